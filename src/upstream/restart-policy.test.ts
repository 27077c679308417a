import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartPolicy } from './restart-policy.ts';

const options = {
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  maxStartFailures: 3,
  maxCrashes: 3,
  crashWindowMs: 10_000,
};

function delayOf(decision: ReturnType<RestartPolicy['onCrash']>): number {
  assert.ok('retryInMs' in decision, JSON.stringify(decision));
  return decision.retryInMs;
}

describe('RestartPolicy', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = new RestartPolicy({ ...options, maxStartFailures: 10 });
    const delays = [1, 2, 3, 4, 5].map(() => delayOf(policy.onStartFailure(false)));
    assert.ok(delays[0] !== undefined && delays[0] >= 80 && delays[0] <= 120, `first ${delays[0]}`);
    assert.ok(delays[1] !== undefined && delays[1] >= 160 && delays[1] <= 240, `second ${delays[1]}`);
    assert.ok(delays.every((d) => d <= 1_200));
  });

  it('gives up after the configured number of failed starts, at once for permanent errors', () => {
    const policy = new RestartPolicy(options);
    delayOf(policy.onStartFailure(false));
    delayOf(policy.onStartFailure(false));
    assert.match((policy.onStartFailure(false) as { giveUp: string }).giveUp, /3 failed start attempts/);
    const permanent = new RestartPolicy(options).onStartFailure(true);
    assert.ok('giveUp' in permanent);
  });

  it('detects a crash loop within the window but forgives crashes spread out in time', () => {
    const looping = new RestartPolicy(options);
    delayOf(looping.onCrash(0));
    delayOf(looping.onCrash(1_000));
    assert.match((looping.onCrash(2_000) as { giveUp: string }).giveUp, /crash loop: 3 exits within 10 s/);

    const spread = new RestartPolicy(options);
    for (const t of [0, 20_000, 40_000, 60_000]) {
      delayOf(spread.onCrash(t));
      spread.onReady();
    }
  });

  it('keeps retrying a server that was ready before, however often its restart fails', () => {
    const policy = new RestartPolicy(options);
    policy.onReady();
    delayOf(policy.onCrash(0));
    for (let i = 0; i < 10; i++) assert.ok(delayOf(policy.onStartFailure(false)) <= 1_200);
  });

  it('starts the backoff over once the server was ready again', () => {
    const policy = new RestartPolicy({ ...options, maxCrashes: 100 });
    for (let i = 0; i < 5; i++) policy.onCrash(i);
    policy.onReady();
    assert.ok(delayOf(policy.onCrash(10)) <= 120);
  });
});
