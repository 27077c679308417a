import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_FILE, demoConfig } from './demo.ts';
import { serverOf } from './test-helpers.ts';

const REPO = resolve(import.meta.dirname, '../..');
const ECHO = join(REPO, 'test/fixtures/servers/echo.ts');

describe('demoConfig()', () => {
  const config = demoConfig();

  it('is three enabled stdio servers run by this Node', () => {
    assert.equal(config.file, DEMO_FILE);
    assert.deepEqual(
      config.servers.map((s) => s.name),
      ['echo', 'memory', 'files'],
    );
    for (const server of config.servers) {
      assert.equal(server.transport, 'stdio');
      assert.equal(server.command, process.execPath);
      assert.equal(server.enabled, true);
      assert.equal(server.problem, undefined);
      assert.deepEqual(server.source, { file: DEMO_FILE });
    }
    assert.deepEqual(config.warnings, []);
  });

  it('points at files that exist', () => {
    const memory = serverOf(config, 'memory');
    const files = serverOf(config, 'files');
    for (const path of [memory.args[0], files.args[0]]) {
      assert.ok(path && isAbsolute(path) && statSync(path).isFile(), `${path} is a file`);
    }
    assert.ok(statSync(files.args[1] ?? '').isDirectory());
    assert.ok(existsSync(join(files.args[1] ?? '', 'welcome.md')));
  });

  it('keeps the memory file and the writable folder out of the repository', () => {
    const path = serverOf(config, 'memory').env.MEMORY_FILE_PATH ?? '';
    assert.equal(path, join(tmpdir(), 'toolmesh-demo-memory.jsonl'));
    assert.equal(serverOf(config, 'files').args[1], join(tmpdir(), 'toolmesh-demo-files'));
  });

  it('runs the echo fixture over stdio', () => {
    assert.deepEqual(serverOf(config, 'echo').args, [ECHO, '--stdio']);
    assert.ok(statSync(ECHO).isFile());
  });
});
