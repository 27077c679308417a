/**
 * The contract every routing strategy keeps, run for each one in the registry: it always picks one of the
 * healthy candidates it was given, copes with the set changing between calls, and accepts feedback.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStrategy, implementedStrategies } from './registry.ts';
import { candidates, seeded } from './testing.ts';

for (const name of implementedStrategies()) {
  describe(`routing strategy contract: ${name}`, () => {
    it('has the name it was created under', () => {
      assert.equal(createStrategy(name, { random: seeded(1) }).name, name);
    });

    it('always picks one of the candidates it was given', () => {
      const strategy = createStrategy(name, { random: seeded(2) });
      for (let size = 1; size <= 5; size++) {
        const given = candidates(size);
        for (let call = 0; call < 50; call++) {
          const chosen = strategy.select(given, { key: `k${call % 7}` });
          assert.ok(given.includes(chosen), `${name} picked ${chosen?.id} outside the candidates`);
          strategy.record?.({ candidate: chosen.id, ok: call % 5 !== 0, latencyMs: 1 + (call % 3) });
        }
      }
    });

    it('keeps working when a candidate disappears and comes back', () => {
      const strategy = createStrategy(name, { random: seeded(3) });
      const all = candidates(3);
      const withoutFirst = all.slice(1);
      for (let call = 0; call < 30; call++) {
        const given = call % 3 === 1 ? withoutFirst : all;
        const chosen = strategy.select(given, {});
        assert.ok(given.includes(chosen));
        strategy.record?.({ candidate: chosen.id, ok: true, latencyMs: 2 });
      }
    });

    it('draws randomness only from options.random: two instances with one seed decide alike', () => {
      const decide = () => {
        const strategy = createStrategy(name, { random: seeded(5) });
        const given = candidates(4);
        return Array.from({ length: 60 }, (_, call) => {
          const chosen = strategy.select(given, call % 2 === 0 ? { key: `k${call % 5}` } : {});
          strategy.record?.({ candidate: chosen.id, ok: call % 7 !== 0, latencyMs: 1 + ((call * 13) % 17) });
          return chosen.id;
        });
      };
      assert.deepEqual(decide(), decide());
    });

    it('ignores feedback about a replica it no longer sees', () => {
      const strategy = createStrategy(name, { random: seeded(4) });
      strategy.record?.({ candidate: 'gone#9', ok: false, latencyMs: 10_000 });
      const given = candidates(2);
      assert.ok(given.includes(strategy.select(given, {})));
    });
  });
}
