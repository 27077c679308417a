import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutlierDetector } from './outlier.ts';

const config = { intervalMs: 0, timeoutMs: 1000, ejectAfter: 3, ejectMs: 30 };

describe('OutlierDetector', () => {
  it('ejects after consecutive failures and brings the replica back after ejectMs', async () => {
    const changes: boolean[] = [];
    const detector = new OutlierDetector(config, (ejected) => changes.push(ejected));
    detector.failure();
    detector.failure();
    detector.success();
    detector.failure();
    detector.failure();
    assert.equal(detector.ejected, false, 'a success resets the count');
    detector.failure();
    assert.equal(detector.ejected, true);
    assert.ok(detector.ejectedUntil > Date.now());
    const deadline = Date.now() + 10_000;
    while (detector.ejected) {
      assert.ok(Date.now() < deadline, 'never brought back');
      await sleep(10);
    }
    assert.equal(detector.ejectedUntil, 0);
    assert.deepEqual(changes, [true]);
  });

  it('a passing probe readmits an ejected replica at once', () => {
    const changes: boolean[] = [];
    const detector = new OutlierDetector({ ...config, ejectMs: 60_000 }, (ejected) => changes.push(ejected));
    for (let i = 0; i < 3; i++) detector.failure();
    assert.equal(detector.ejected, true);
    detector.readmit();
    assert.equal(detector.ejected, false);
    assert.deepEqual(changes, [true, false]);
  });
});
