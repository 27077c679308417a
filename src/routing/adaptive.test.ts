import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adaptive } from './adaptive.ts';
import { faultWorld, PHASE, seeded, share, simulate } from './testing.ts';

describe('adaptive', () => {
  it('shares calls fairly between replicas that serve equally well', () => {
    const chosen = simulate(adaptive({ random: seeded(1) }), faultWorld('slow', 2));
    for (const index of [0, 1, 2]) {
      const fair = share(chosen, index, 100, PHASE);
      assert.ok(fair > 0.2 && fair < 0.47, `replica ${index} got ${fair} of the calls`);
    }
  });

  for (const fault of ['slow', 'error'] as const) {
    it(`moves over 80 % of traffic off a ${fault} replica within 30 calls and back after it recovers`, () => {
      const chosen = simulate(adaptive({ random: seeded(3) }), faultWorld(fault, 4));
      const during = share(chosen, 1, PHASE + 30, 2 * PHASE);
      assert.ok(during < 0.2, `the ${fault} replica still got ${during} of the calls`);
      assert.ok(during > 0, 'it is still tried now and then, or recovery could not be noticed');
      const after = share(chosen, 1, 2 * PHASE + 100, 3 * PHASE);
      assert.ok(after > 0.2, `the recovered replica got only ${after} of the calls (fair: 0.33)`);
    });
  }

  it('counts a call that succeeds but is far slower than the fastest replica as a bad outcome', () => {
    const chosen = simulate(adaptive({ random: seeded(5) }), {
      replicas: 2,
      calls: 400,
      latencyMs: (index) => (index === 0 ? 5 : 60),
    });
    assert.ok(share(chosen, 0, 100, 400) > 0.85);
  });

  it('draws only from the random source it was given (same seed, same decisions)', () => {
    const world = faultWorld('error', 6);
    assert.deepEqual(
      simulate(adaptive({ random: seeded(7) }), world),
      simulate(adaptive({ random: seeded(7) }), faultWorld('error', 6)),
    );
  });
});
