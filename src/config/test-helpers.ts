/** Small helpers shared by the config tests. */
import assert from 'node:assert/strict';
import { ConfigError } from './config-error.ts';
import type { HubConfig, ServerConfig } from './model.ts';

/** Runs `fn`, asserts it throws a `ConfigError` whose issues are all complete, and returns it. */
export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    for (const issue of e.issues) {
      assert.ok(issue.file, 'every issue names the file');
      assert.ok(issue.message, 'every issue has a message');
      assert.ok(issue.fix.length > 3, `every issue has a concrete fix: ${JSON.stringify(issue)}`);
    }
    return e;
  }
  assert.fail('expected a ConfigError');
}

/** The same for async functions. */
export async function configErrorOfAsync(fn: () => Promise<unknown>): Promise<ConfigError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  return configErrorOf(() => {
    throw error ?? new Error('no error thrown');
  });
}

/** The server called `name`, failing the test when absent. */
export function serverOf(config: HubConfig, name: string): ServerConfig {
  const server = config.servers.find((s) => s.name === name);
  assert.ok(server, `server ${name} present`);
  return server;
}
