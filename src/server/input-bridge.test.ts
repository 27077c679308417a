/**
 * A bridged call (a 2026-era client's): the requests for input its upstream sends are held for the client's
 * next round, at most `MAX_OPEN_INPUT_REQUESTS` open at once; more are refused to the upstream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OPEN_INPUT_REQUESTS, TOO_MANY_INPUT_REQUESTS } from '../pipeline/call.ts';
import { BridgedCall, type DownstreamLeg } from './input-bridge.ts';

/** How `request` stands once what is due now has run: refused (its message), answered, or still open. */
const standing = (request: Promise<unknown>): Promise<string> =>
  Promise.race([
    request.then(
      () => 'answered',
      (error: Error) => error.message,
    ),
    new Promise<string>((resolve) => setImmediate(() => resolve('still open'))),
  ]);

const leg = (): DownstreamLeg => ({
  signal: new AbortController().signal,
  progress: async () => {},
  log: () => {},
});

describe('BridgedCall', () => {
  it('holds requests for input for the next round, and refuses those over the open limit', async () => {
    const call = new BridgedCall(leg());
    const upstream = new AbortController();
    const sampling = { method: 'sampling/createMessage' as const, params: { messages: [], maxTokens: 1 } };
    const held = Array.from({ length: MAX_OPEN_INPUT_REQUESTS }, () => call.ask(sampling, upstream.signal));
    assert.equal(await standing(call.ask(sampling, upstream.signal)), TOO_MANY_INPUT_REQUESTS);
    const next = await call.next();
    assert.ok('round' in next);
    const keys = Object.keys(next.round.inputRequests ?? {});
    assert.equal(keys.length, MAX_OPEN_INPUT_REQUESTS);
    // Still open until the client answers: the limit holds across the round.
    assert.equal(await standing(call.ask(sampling, upstream.signal)), TOO_MANY_INPUT_REQUESTS);
    const answer = { role: 'assistant', model: 'm', content: { type: 'text', text: 'ok' } };
    call.answer(leg(), Object.fromEntries(keys.map((key) => [key, answer])));
    assert.equal((await Promise.all(held)).length, MAX_OPEN_INPUT_REQUESTS);
    // Answered, they are closed: the next request is held again.
    const again = call.ask(sampling, upstream.signal);
    assert.ok('round' in (await call.next()));
    upstream.abort();
    await assert.rejects(again, /withdrew/);
  });
});
