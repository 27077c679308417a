/**
 * The fan-out's settling rules, with plain promises standing in for tool calls: outcomes always come
 * back, in branch order, with the status each ending deserves.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../errors.ts';
import { fanOut } from './fan-out.ts';

const branches = (...ids: string[]) => ids.map((id) => ({ id, tool: `${id}__tool` }));
const never = () => new Promise<never>(() => {});
const signal = () => AbortSignal.timeout(60_000);

describe('fanOut', () => {
  it('settles a branch that ignores its abort signal as timeout, without waiting for it', async () => {
    const outcomes = await fanOut(
      branches('ok', 'stuck'),
      (branch) => (branch.id === 'ok' ? Promise.resolve(1) : never()),
      { signal: signal(), timeoutMs: 50 },
    );
    assert.deepEqual(
      outcomes.map(({ id, status, value, error }) => ({ id, status, value, error })),
      [
        { id: 'ok', status: 'ok', value: 1, error: undefined },
        { id: 'stuck', status: 'timeout', value: undefined, error: 'no answer within 50 ms' },
      ],
    );
  });

  it('names the server from the error, else from serverOf', async () => {
    const outcomes = await fanOut(
      branches('a', 'b'),
      (branch) =>
        Promise.reject(
          branch.id === 'a'
            ? new HubError('UPSTREAM_UNAVAILABLE', 'down', { server: 'replica-set' })
            : new Error('boom'),
        ),
      { signal: signal(), serverOf: (tool) => tool.split('__')[0] },
    );
    assert.deepEqual(
      outcomes.map(({ status, error, server }) => [status, error, server]),
      [
        ['failed', 'down', 'replica-set'],
        ['failed', 'boom', 'b'],
      ],
    );
  });

  it('aborts the rest once enough succeeded, and ranks branches by when they settled', async () => {
    const aborted: string[] = [];
    const outcomes = await fanOut(
      branches('slow', 'fast'),
      (branch, branchSignal) => {
        if (branch.id === 'fast') return Promise.resolve('won');
        branchSignal.addEventListener('abort', () => aborted.push(branch.id));
        return never();
      },
      { signal: signal(), enough: 1 },
    );
    assert.deepEqual(
      outcomes.map(({ id, status, rank }) => [id, status, rank]),
      [
        ['slow', 'cancelled', 1],
        ['fast', 'ok', 0],
      ],
    );
    assert.deepEqual(aborted, ['slow']);
  });

  it("the caller's abort cancels every branch and reports each as it settles", async () => {
    const caller = new AbortController();
    const settled: string[] = [];
    const pending = fanOut(branches('a', 'b'), () => never(), {
      signal: caller.signal,
      onSettled: (outcome, count) => settled.push(`${count} ${outcome.id} ${outcome.status}`),
    });
    caller.abort();
    const outcomes = await pending;
    assert.deepEqual(
      outcomes.map((outcome) => outcome.error),
      ['cancelled by the caller', 'cancelled by the caller'],
    );
    assert.deepEqual(settled, ['1 a cancelled', '2 b cancelled']);
  });
});
