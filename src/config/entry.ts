/**
 * One server entry that does not come from a file (the admin API), validated by the same zod schema and
 * normalised by the same `buildServer` as a file's entries, so it becomes the same `ServerConfig`.
 */
import { ConfigError, type ConfigIssue } from './config-error.ts';
import type { Env } from './interpolate.ts';
import { fromZodIssue } from './issues.ts';
import type { ServerConfig } from './model.ts';
import { buildServer } from './normalize.ts';
import { SERVER_NAME_RE, serverEntrySchema } from './schema.ts';

export interface EntryOrigin {
  /** Names the origin in messages, e.g. `<admin API>`. */
  label: string;
  /** Directory a relative `cwd` is resolved against. */
  dir: string;
  env?: Env;
}

/**
 * Validates `raw` as the entry of server `name`. Paths in messages read `servers.<name>.<field>`, as in a
 * file. `${VAR}` is expanded from `origin.env` as for a file (an unset variable marks the server's
 * `problem`, it is not fatal).
 * @throws ConfigError listing every problem, each with a fix.
 */
export function parseServerEntry(name: string, raw: unknown, origin: EntryOrigin): ServerConfig {
  const issues: ConfigIssue[] = [];
  const file = origin.label;
  if (!SERVER_NAME_RE.test(name)) {
    issues.push({
      file,
      path: 'name',
      message: 'invalid server name',
      fix: 'use 1-64 letters, digits, "_", "." or "-"',
    });
    throw new ConfigError(issues);
  }
  const parsed = serverEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const ctx = {
      file,
      topKey: 'servers' as const,
      data: { servers: { [name]: raw } },
      locate: () => undefined,
    };
    for (const issue of parsed.error.issues) {
      issues.push(...fromZodIssue({ ...issue, path: ['servers', name, ...issue.path] }, ctx));
    }
    throw new ConfigError(issues);
  }
  const warnings: string[] = [];
  const server = buildServer(name, parsed.data, {
    file,
    sourceFile: file,
    dir: origin.dir,
    topKey: 'servers',
    env: origin.env ?? process.env,
    locate: () => undefined,
    issues,
    warnings,
  });
  if (!server || issues.length > 0) throw new ConfigError(issues);
  return server;
}
