import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HubError } from '../errors.ts';
import { ReplicaBreaker } from './breaker.ts';

const config = { failures: 3, halfOpenAfterMs: 40, halfOpenCalls: 2, successes: 2 };
const timeout = () => new HubError('UPSTREAM_TIMEOUT', 'slow', { server: 's', retryable: true });
const fail = (breaker: ReplicaBreaker) =>
  breaker.execute('s', () => Promise.reject(timeout())).catch((error: unknown) => error);
const succeed = (breaker: ReplicaBreaker) => breaker.execute('s', () => Promise.resolve('ok'));

/** Waits (with a deadline) until the open circuit admits a trial call. */
async function untilTrial(breaker: ReplicaBreaker): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!breaker.admits(0)) {
    assert.ok(Date.now() < deadline, 'the circuit never allowed a trial call');
    await sleep(10);
  }
}

describe('ReplicaBreaker (cockatiel with probation)', () => {
  it('opens after consecutive replica failures and then answers CIRCUIT_OPEN without calling', async () => {
    const breaker = new ReplicaBreaker(config);
    for (let i = 0; i < 3; i++) {
      assert.equal(breaker.state, 'closed', `closed after ${i} failures`);
      await fail(breaker);
    }
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.admits(0), false);
    let called = 0;
    const error = await breaker
      .execute('s', async () => {
        called += 1;
      })
      .catch((reason: unknown) => reason);
    assert.ok(HubError.is(error));
    assert.equal(error.code, 'CIRCUIT_OPEN');
    assert.equal(error.server, 's');
    assert.equal(error.retryable, true);
    assert.equal(called, 0);
  });

  it("does not count the caller's errors or a success in between", async () => {
    const breaker = new ReplicaBreaker(config);
    const callerError = new HubError('UPSTREAM_ERROR', 'bad params', { data: { upstreamCode: -32602 } });
    for (let i = 0; i < 5; i++) await breaker.execute('s', () => Promise.reject(callerError)).catch(() => {});
    await fail(breaker);
    await fail(breaker);
    await succeed(breaker);
    await fail(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('half-open: admits at most halfOpenCalls, closes after `successes` successes', async () => {
    const breaker = new ReplicaBreaker(config);
    for (let i = 0; i < 3; i++) await fail(breaker);
    await untilTrial(breaker);
    assert.equal(await succeed(breaker), 'ok');
    assert.equal(breaker.state, 'half-open', 'one success is not enough');
    assert.equal(breaker.admits(1), true);
    assert.equal(breaker.admits(2), false, 'at most 2 calls in flight while half-open');
    await succeed(breaker);
    assert.equal(breaker.state, 'closed');
  });

  it('a failure while half-open opens it again at once', async () => {
    const breaker = new ReplicaBreaker(config);
    for (let i = 0; i < 3; i++) await fail(breaker);
    await untilTrial(breaker);
    await succeed(breaker);
    await fail(breaker);
    assert.equal(breaker.state, 'open');
  });
});
