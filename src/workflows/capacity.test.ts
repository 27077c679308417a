import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Capacity, mapLimit } from './capacity.ts';

const never = new AbortController().signal;

describe('Capacity', () => {
  it('grants weighted units in arrival order and gives them back once', async () => {
    const capacity = new Capacity(3);
    const order: string[] = [];
    const releaseA = await capacity.acquire(2, never);
    const noted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const b = capacity.acquire(2, never).then(noted('b'));
    const c = capacity.acquire(1, never).then(noted('c'));
    await Promise.resolve();
    assert.deepEqual(order, [], 'c fits, but waits behind b so b is not starved');
    releaseA();
    releaseA(); // a second call must not free units twice
    const releaseB = await b;
    const releaseC = await c;
    assert.deepEqual(order, ['b', 'c']);
    const d = capacity.acquire(1, never);
    let dDone = false;
    void d.then(() => {
      dDone = true;
    });
    await Promise.resolve();
    assert.equal(dDone, false, '2 + 1 units are taken');
    releaseB();
    (await d)();
    releaseC();
  });

  it('caps a request larger than the limit and stops waiting when the signal aborts', async () => {
    const capacity = new Capacity(2);
    const all = await capacity.acquire(5, never);
    const abort = new AbortController();
    const waiting = capacity.acquire(1, abort.signal);
    abort.abort(new Error('run cancelled'));
    await assert.rejects(waiting, /run cancelled/);
    all();
    (await capacity.acquire(2, never))();
    assert.throws(() => new Capacity(0), RangeError);
  });
});

describe('mapLimit', () => {
  it('keeps item order, stays within the limit and starts nothing new after a failure', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const results = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(results, [10, 20, 30, 40, 50]);
    assert.equal(most, 2);
    await assert.rejects(
      mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
        seen.push(n);
        if (n === 2) throw new Error('two failed');
        return n;
      }),
      /two failed/,
    );
    assert.deepEqual(seen, [1, 2]);
  });
});
