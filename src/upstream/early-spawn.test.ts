import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { stdioFixture } from '../../test/fixtures/spawn.ts';
import { isRunning } from '../../test/support/process-state.ts';
import { testServerConfig } from '../testing/test-hub.ts';
import { discardEarlySpawns, spawnEarly, takeEarlySpawn } from './early-spawn.ts';
import { killGroup, stdioParams } from './spawn-child.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

const echo = testServerConfig({ name: 'echo', ...stdioFixture('echo') });

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return !isRunning(pid);
}

describe('early spawns', () => {
  afterEach(() => discardEarlySpawns());

  it("a transport's first start takes the process spawned early for its parameters, and it serves", async () => {
    const [pid] = spawnEarly([echo]);
    assert.ok(pid);
    const transport = new ChildStdioTransport(stdioParams(echo));
    const answer = new Promise((resolve) => {
      transport.onmessage = resolve;
    });
    await transport.start();
    assert.equal(transport.pid, pid);
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    assert.equal(((await answer) as { id: number }).id, 1);
    await transport.close();
    assert.ok(await gone(pid));
    // Taken once: a second transport spawns its own.
    assert.equal(takeEarlySpawn(stdioParams(echo)), undefined);
  });

  it('skips disabled servers and config problems; only identical parameters match', () => {
    const pids = spawnEarly([
      { ...echo, name: 'off', enabled: false },
      { ...echo, name: 'broken', problem: 'TOKEN is not set' },
    ]);
    assert.deepEqual(pids, []);
    spawnEarly([echo]);
    assert.equal(takeEarlySpawn({ ...stdioParams(echo), args: [...echo.args, '--other'] }), undefined);
    const taken = takeEarlySpawn(stdioParams(echo));
    assert.ok(taken?.pid);
    killGroup(taken, 'SIGKILL'); // taken by nobody but this test
  });

  it('spawns no more than `limit` processes; the other servers are spawned when they start', () => {
    const servers = ['a', 'b', 'c'].map((name) => ({ ...echo, name, args: [...echo.args, '--name', name] }));
    const pids = spawnEarly(servers, 2);
    assert.equal(pids.length, 2);
    const taken = servers.map((server) => takeEarlySpawn(stdioParams(server)));
    assert.deepEqual(
      taken.map((child) => child !== undefined),
      [true, true, false],
    );
    for (const child of taken) if (child) killGroup(child, 'SIGKILL');
  });

  it('a spawn that failed is not handed out (the transport then fails itself), and does not crash', async () => {
    const missing = testServerConfig({ name: 'missing', command: '/nonexistent/server', args: [] });
    spawnEarly([missing]);
    await new Promise((resolve) => setImmediate(resolve)); // the 'error' event comes a tick later
    const transport = new ChildStdioTransport(stdioParams(missing));
    await assert.rejects(transport.start(), { code: 'ENOENT' });
  });

  it('discard kills every process no transport took', async () => {
    const [pid] = spawnEarly([echo]);
    assert.ok(pid && isRunning(pid));
    discardEarlySpawns();
    assert.ok(await gone(pid));
  });
});
