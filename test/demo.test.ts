/**
 * The built-in demo's workflow and composite work on the real demo servers (the published memory and
 * filesystem servers, and our echo fixture): what a newcomer gets from `npm start` without a config.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { type OpenHub, openHub } from '../src/cli/open-hub.ts';
import { demoConfig } from '../src/config/demo.ts';
import { silentLogger } from '../src/observability/logger.ts';

describe('the built-in demo', { timeout: 90_000 }, () => {
  let opened: OpenHub;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await opened.hub.call({
      method: 'tools/call',
      params: { name, arguments: args },
      signal: AbortSignal.timeout(30_000),
    })) as CallToolResult;

  before(async () => {
    // In memory, so this test never holds the demo's journal while someone tries the demo.
    opened = await openHub({ ...demoConfig(), store: { path: ':memory:' } }, silentLogger());
    await opened.hub.start();
  });
  after(() => opened?.stop());

  it('serves remember_note, a workflow across the memory and echo servers', async () => {
    const name = `note-${randomUUID()}`; // the demo's memory file is shared; a fresh name is ours alone
    const result = await call('remember_note', { name, note: 'buy milk' });
    assert.equal(result.isError, undefined, JSON.stringify(result.content));
    const { outputs } = result.structuredContent as { outputs: { found: number; message: string } };
    assert.deepEqual(outputs, { found: 1, message: `remembered ${name}: buy milk` });
  });

  it('serves find_anywhere, a composite over memory and files', async () => {
    const result = await call('find_anywhere', { query: 'welcome' });
    assert.equal(result.isError, undefined, JSON.stringify(result.content));
    const { succeeded, result: found } = result.structuredContent as { succeeded: number; result: unknown };
    assert.equal(succeeded, 2);
    assert.match(JSON.stringify(found), /welcome\.md/);
  });
});
