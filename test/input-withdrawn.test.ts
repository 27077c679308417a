/**
 * A 2025-era client whose call takes the SDK's path (here a `tools/call` with a param the direct path does
 * not take) and whose upstream asks it for input: when the client goes away instead of answering, the
 * upstream's request is withdrawn and its call ends, not held for the input bridge's 10-minute expiry.
 * Raw HTTP to a real hub, the conformance fixture at 2025-11-25 as the upstream (it pushes sampling).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { waitFor } from './faults/_helpers.ts';
import { stdioFixture } from './fixtures/spawn.ts';
import { openRawSession } from './support/handshake.ts';
import { readUntil } from './support/sse.ts';

describe("an upstream's request for input when its 2025-era client goes away", () => {
  let testHub: TestHub;
  let url: string;

  before(async () => {
    testHub = await createTestHub([{ name: 'legacy', ...stdioFixture('conformance', ['--era', 'legacy']) }], {
      http: true,
    });
    url = testHub.http?.url ?? '';
  });

  after(() => testHub?.close());

  const pending = () => testHub.hub.server('legacy')?.replicas[0]?.pending;

  const openSession = () => openRawSession(url, 'walks-away', { sampling: {} });

  /** Starts a sampling call on the SDK's path and waits for the hub to ask the client. */
  async function askedForSample(post: (body: object) => Promise<Response>) {
    const call = await post({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      // `extra` is not a param the direct path takes, so the SDK's handler answers this call.
      params: { name: 'legacy__test_sampling', arguments: { prompt: 'anyone?' }, extra: true },
    });
    assert.equal(call.headers.get('content-type'), 'text/event-stream');
    const asked = await readUntil(call.body as ReadableStream<Uint8Array>, (m) => m.method !== undefined);
    assert.equal(asked.method, 'sampling/createMessage');
    assert.equal(pending(), 1);
  }

  const settles = () => waitFor('the upstream call to end', () => pending() === 0, 10_000);

  it('ends the upstream call when the session is deleted', async () => {
    const { headers, post } = await openSession();
    await askedForSample(post);
    assert.equal((await fetch(url, { method: 'DELETE', headers })).status, 200);
    await settles();
  });

  it('ends the upstream call when the client cancels its request', async () => {
    const { headers, post } = await openSession();
    await askedForSample(post);
    await (
      await post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } })
    ).text();
    await settles();
    await fetch(url, { method: 'DELETE', headers });
  });
});
