import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latency } from './latency.ts';
import { candidates, faultWorld, PHASE, seeded, share, simulate } from './testing.ts';

describe('latency', () => {
  it('tries every replica it has not measured before preferring a measured one', () => {
    const strategy = latency({ random: seeded(1) });
    const given = candidates(3);
    const first = strategy.select(given, {});
    strategy.record?.({ candidate: first.id, ok: true, latencyMs: 1 });
    const second = strategy.select(given, {});
    strategy.record?.({ candidate: second.id, ok: true, latencyMs: 1 });
    const third = strategy.select(given, {});
    assert.deepEqual(new Set([first.id, second.id, third.id]), new Set(['s#0', 's#1', 's#2']));
  });

  it('ranks replicas by latency: the fastest gets most, the slowest only the odd measuring call', () => {
    const strategy = latency({ random: seeded(2) });
    const chosen = simulate(strategy, {
      replicas: 3,
      calls: 500,
      latencyMs: (index) => [50, 5, 100][index] as number,
    });
    const [middle = 0, fastest = 0, slowest = 0] = [0, 1, 2].map((index) => share(chosen, index, 100, 500));
    assert.ok(fastest > 0.5, `fastest got ${fastest}`);
    assert.ok(middle < fastest && slowest < middle, `${fastest} > ${middle} > ${slowest}`);
    assert.ok(slowest > 0 && slowest < 0.1, `slowest got ${slowest}`);
  });

  it('judges a replica left alone for many calls almost by its next call alone', () => {
    const strategy = latency({ random: seeded(8) });
    const given = candidates(2);
    for (const [id, ms] of [
      ['s#0', 10],
      ['s#1', 500],
    ] as const) {
      strategy.select(given, {});
      strategy.record?.({ candidate: id, ok: true, latencyMs: ms });
    }
    // s#1 is left alone for 25 calls (its old level keeps weight exp(-25 / LATENCY_DECAY_CALLS)), then
    // answers fast once.
    for (let call = 0; call < 25; call++) strategy.select([given[0] as (typeof given)[number]], {});
    strategy.record?.({ candidate: 's#1', ok: true, latencyMs: 10 });
    const picks = Array.from({ length: 200 }, () => strategy.select(given, {}).id);
    const share1 = picks.filter((id) => id === 's#1').length / picks.length;
    assert.ok(share1 > 0.3, `s#1 got ${share1} after one fast call`);
  });

  it('weighs load: a busy fast replica costs more than an idle one nearly as fast', () => {
    const strategy = latency({ random: seeded(3) });
    const given = candidates(2);
    for (const [id, ms] of [
      ['s#0', 10],
      ['s#1', 12],
    ] as const) {
      strategy.select(given, {});
      strategy.record?.({ candidate: id, ok: true, latencyMs: ms });
    }
    const busy = [
      { ...(given[0] as (typeof given)[number]), pending: 4 },
      given[1] as (typeof given)[number],
    ];
    const picks = Array.from({ length: 50 }, () => strategy.select(busy, {}).id);
    assert.ok(picks.filter((id) => id === 's#1').length >= 40);
  });

  for (const fault of ['slow', 'error'] as const) {
    it(`moves traffic off a ${fault} replica within 30 calls and back once it recovers`, () => {
      const chosen = simulate(latency({ random: seeded(4) }), faultWorld(fault, 5));
      const during = share(chosen, 1, PHASE + 30, 2 * PHASE);
      assert.ok(during < 0.2, `the ${fault} replica still got ${during} of the calls`);
      const after = share(chosen, 1, 2 * PHASE + 100, 3 * PHASE);
      assert.ok(after > 0.2, `the recovered replica got only ${after} of the calls (fair: 0.33)`);
    });
  }
});
