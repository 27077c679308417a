import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { isRunning } from '../../test/support/process-state.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

/** A child that prints a banner, then one JSON-RPC notification carrying what it wants to report. */
function reporter(script: string): ChildStdioTransport {
  const program = `console.log('banner: starting'); console.log('{not json'); ${script}; setInterval(() => {}, 1000);`;
  return new ChildStdioTransport({
    command: process.execPath,
    args: ['-e', program],
    env: {},
    inheritEnv: [],
  });
}

function firstMessage(transport: ChildStdioTransport): Promise<JSONRPCMessage> {
  return new Promise((resolve) => {
    transport.onmessage = resolve;
  });
}

/** The `params.value` of a `report` notification. */
function reportedValue(message: JSONRPCMessage): unknown {
  return (message as unknown as { params: { value: unknown } }).params.value;
}

const report = (expr: string) =>
  `console.log(JSON.stringify({ jsonrpc: '2.0', method: 'report', params: { value: ${expr} } }))`;

describe('ChildStdioTransport', () => {
  it('gives the child only the safe default environment plus what the config names', async () => {
    process.env.TOOLMESH_TEST_SECRET = 'do-not-leak';
    process.env.TOOLMESH_TEST_PASSED = 'passed';
    const transport = new ChildStdioTransport({
      command: process.execPath,
      args: ['-e', `${report('process.env')}; setInterval(() => {}, 1000)`],
      env: { GIVEN: 'given' },
      inheritEnv: ['TOOLMESH_TEST_PASSED'],
    });
    const message = firstMessage(transport);
    await transport.start();
    const env = reportedValue(await message) as Record<string, string>;
    await transport.close();
    assert.equal(env.GIVEN, 'given');
    assert.equal(env.TOOLMESH_TEST_PASSED, 'passed');
    assert.equal(env.TOOLMESH_TEST_SECRET, undefined);
    assert.ok(env.PATH);
  });

  it('skips non-JSON lines on stdout and keeps the stream usable', async () => {
    const transport = reporter(report('42'));
    const message = firstMessage(transport);
    await transport.start();
    assert.deepEqual(await message, { jsonrpc: '2.0', method: 'report', params: { value: 42 } });
    await transport.close();
  });

  it('keeps only the tail of stderr', async () => {
    const transport = reporter(`process.stderr.write('x'.repeat(40000) + '\\nlast line\\n'); ${report('1')}`);
    const message = firstMessage(transport);
    await transport.start();
    await message;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(transport.stderr.text().length <= 16 * 1024);
    assert.deepEqual(transport.stderr.lastLines(1), ['last line']);
    await transport.close();
  });

  it('stops the whole process group, grandchildren included', async () => {
    const grandchild = `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })`;
    const transport = reporter(`const g = ${grandchild}; ${report('g.pid')}`);
    const message = firstMessage(transport);
    await transport.start();
    const pid = reportedValue(await message) as number;
    const childPid = transport.pid;
    assert.ok(isRunning(pid));
    await transport.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(isRunning(pid), false, 'grandchild still running');
    assert.equal(isRunning(childPid ?? -1), false, 'child still running');
  });

  it('rejects start for a command that does not exist, and close is then a no-op', async () => {
    const transport = new ChildStdioTransport({
      command: 'toolmesh-no-such-command',
      args: [],
      env: {},
      inheritEnv: [],
    });
    await assert.rejects(transport.start(), { code: 'ENOENT' });
    await transport.close();
  });
});
