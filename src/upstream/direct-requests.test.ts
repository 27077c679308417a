import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JSONRPCMessage, ProtocolError, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { type DirectRequestOptions, DirectRequests } from './direct-requests.ts';
import { MODERN_ERA } from './request-envelope.ts';

const CLIENT = { info: { name: 'toolmesh', version: '1' }, capabilities: { roots: {} } };

/** DirectRequests over a link that keeps what was sent, as a server would read it. */
function connection(era = '2025-11-25') {
  const sent: Record<string, unknown>[] = [];
  const direct = new DirectRequests({ send: async (message) => void sent.push(message) }, era, CLIENT);
  const options = (extra: Partial<DirectRequestOptions> = {}): DirectRequestOptions => ({
    timeout: 60_000,
    maxTotalTimeout: 600_000,
    onprogress: () => {},
    ...extra,
  });
  return { direct, sent, options };
}

const answer = (id: unknown, body: object) => ({ jsonrpc: '2.0', id, ...body }) as JSONRPCMessage;

describe('DirectRequests', () => {
  it('sends negative ids with a progress token, and takes only its own answers', async () => {
    const { direct, sent, options } = connection();
    const call = direct.request('tools/call', { name: 'echo', arguments: { text: 'x' } }, options());
    assert.deepEqual(sent[0], {
      jsonrpc: '2.0',
      id: -1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'x' }, _meta: { progressToken: -1 } },
    });
    assert.equal(direct.take(answer(0, { result: {} })), false, "the SDK client's ids are its own");
    assert.equal(direct.take(answer(-1, { result: { content: [], resultType: 'complete' } })), true);
    assert.deepEqual(await call, { content: [] });
    assert.equal(direct.take(answer(-1, { result: {} })), true, 'a late second answer is dropped');
    const stringly = direct.request('tools/call', { name: 'echo' }, options());
    assert.equal(direct.take(answer('-2', { result: { content: [] } })), true, 'an id sent back as a string');
    assert.deepEqual(await stringly, { content: [] });
  });

  it('in the 2026 era: the envelope on every message, resultType required and lifted', async () => {
    const { direct, sent, options } = connection(MODERN_ERA);
    const call = direct.request('tools/call', { name: 'a', _meta: { custom: 1 } }, options());
    const meta = (sent[0]?.params as { _meta?: Record<string, unknown> } | undefined)?._meta ?? {};
    assert.equal(meta['io.modelcontextprotocol/protocolVersion'], MODERN_ERA);
    assert.deepEqual(meta['io.modelcontextprotocol/clientInfo'], CLIENT.info);
    assert.equal(meta.custom, 1);
    direct.take(answer(-1, { result: { content: [] } }));
    await assert.rejects(
      call,
      (error: unknown) => error instanceof SdkError && /resultType/.test(error.message),
    );
    const asking = direct.request('tools/call', { name: 'a' }, options());
    const round = { resultType: 'input_required', inputRequests: { a: { method: 'roots/list' } } };
    direct.take(answer(-2, { result: round }));
    assert.deepEqual(await asking, round, 'input_required passes on as it is');
  });

  it("an error answer is the server's ProtocolError; a closed connection fails what is in flight", async () => {
    const { direct, options } = connection();
    const failing = direct.request('tools/call', { name: 'a' }, options());
    direct.take(answer(-1, { error: { code: -32602, message: 'no such tool', data: { x: 1 } } }));
    await assert.rejects(
      failing,
      (error: unknown) => error instanceof ProtocolError && error.code === -32602,
    );
    const empty = direct.request('tools/call', { name: 'a' }, options());
    direct.take({ jsonrpc: '2.0', id: -2 } as JSONRPCMessage);
    await assert.rejects(
      empty,
      /Invalid result: not an object/,
      'neither result nor error: an error, not a hang',
    );
    const open = direct.request('tools/call', { name: 'a' }, options());
    direct.closed();
    await assert.rejects(
      open,
      (error: unknown) => error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed,
    );
  });

  it('progress restarts the timeout up to the total; giving up tells the server', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { direct, sent, options } = connection();
    const seen: number[] = [];
    const call = direct.request(
      'tools/call',
      { name: 'slow' },
      options({ timeout: 80, maxTotalTimeout: 10_000, onprogress: (p) => seen.push(p.progress) }),
    );
    const progress = (step: number) =>
      direct.take({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: -1, progress: step },
      });
    for (let step = 1; step <= 3; step += 1) {
      t.mock.timers.tick(50);
      assert.equal(progress(step), true);
    }
    assert.deepEqual(seen, [1, 2, 3], 'each progress arrived, and kept the call alive past its 80 ms');
    t.mock.timers.tick(80);
    await assert.rejects(
      call,
      (error: unknown) => error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout,
    );
    assert.deepEqual(sent.at(-1), {
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: -1, reason: 'SdkError: Request timed out' },
    });
  });

  it('progress MCP does not allow is taken and dropped: not passed on, no longer timeout', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { direct, options } = connection();
    const seen: unknown[] = [];
    const call = direct.request(
      'tools/call',
      { name: 'slow' },
      options({ timeout: 80, maxTotalTimeout: 10_000, onprogress: (p) => seen.push(p) }),
    );
    const bad = [{ progress: 'half' }, { progress: 1, total: '2' }, { progress: 1, message: 3 }, {}];
    for (const params of bad) {
      t.mock.timers.tick(30);
      const taken = direct.take({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: -1, ...params },
      });
      assert.equal(taken, true, `the SDK client never sees ${JSON.stringify(params)}`);
    }
    assert.deepEqual(seen, []);
    await assert.rejects(
      call,
      (error: unknown) => error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout,
      'the call timed out 80 ms after it started, as if no progress had come',
    );
  });

  it('progress does not keep a call past its total time', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { direct, options } = connection();
    const call = direct.request(
      'tools/call',
      { name: 'slow' },
      options({ timeout: 80, maxTotalTimeout: 100 }),
    );
    t.mock.timers.tick(60);
    direct.take({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: -1, progress: 1 },
    });
    t.mock.timers.tick(60);
    direct.take({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: -1, progress: 2 },
    });
    await assert.rejects(call, /Maximum total timeout exceeded/);
  });

  it('an abort cancels at the server and rejects at once', async () => {
    const { direct, sent, options } = connection();
    const controller = new AbortController();
    const call = direct.request('tools/call', { name: 'a' }, options({ signal: controller.signal }));
    controller.abort('the client went away');
    await assert.rejects(call, SdkError);
    assert.equal((sent.at(-1)?.params as { requestId?: unknown } | undefined)?.requestId, -1);
  });
});
