import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/** Logs one line from a child process (stderr is a pipe there, never a terminal) with the given env. */
function logLine(env: Record<string, string>): string {
  const code = `import { createLogger } from ${JSON.stringify(new URL('./logger.ts', import.meta.url).href)};
    createLogger('info').info({ headers: { authorization: 'secret' } }, 'hello');`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return child.stderr;
}

describe('createLogger', () => {
  it('writes JSON lines when stderr is not a terminal, with header values redacted', () => {
    const line = JSON.parse(logLine({ TOOLMESH_LOG_FORMAT: '' }).trim()) as Record<string, unknown>;
    assert.equal(line.msg, 'hello');
    assert.deepEqual(line.headers, { authorization: '[redacted]' });
  });

  it('writes readable lines when TOOLMESH_LOG_FORMAT=pretty, still redacted', () => {
    const text = logLine({ TOOLMESH_LOG_FORMAT: 'pretty' });
    assert.match(text, /INFO.*hello/);
    assert.throws(() => JSON.parse(text));
    assert.doesNotMatch(text, /secret/);
  });
});
