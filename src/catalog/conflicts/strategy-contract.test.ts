import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFLICT_STRATEGY_FACTORIES } from './registry.ts';
import type { Contender } from './strategy.ts';

const a: Contender = { server: 'a', original: 'read', bare: 'read', index: 0, version: '1.2.0' };
const b: Contender = { server: 'b', original: 'read', bare: 'read', index: 1, version: '1.10.0' };
const c: Contender = { server: 'c', original: 'read', bare: 'read', index: 2 };
const context = { priority: ['c', 'b'] };

// Every strategy passes this suite; behaviour that differs between strategies is tested below it.
for (const [name, factory] of Object.entries(CONFLICT_STRATEGY_FACTORIES)) {
  describe(`conflict strategy contract: ${name}`, () => {
    const strategy = factory();

    it('is named as registered', () => assert.equal(strategy.name, name));

    it('gives an uncontested new name to its only contender', () => {
      const decision = strategy.decide([a], context);
      assert.equal(decision.winner, a);
      assert.equal(decision.reason, 'no collision');
    });

    it('picks a winner among the contenders (or none) and always says why', () => {
      const decision = strategy.decide([a, b, c], context);
      if (decision.winner) assert.ok([a, b, c].includes(decision.winner));
      assert.ok(decision.reason.length > 0);
    });

    it('does not depend on the order contenders are given in', () => {
      const one = strategy.decide([a, b, c], context);
      const other = strategy.decide([c, a, b], context);
      assert.equal(one.winner?.server, other.winner?.server);
      assert.equal(one.reason, other.reason);
    });
  });
}

describe('what each strategy decides', () => {
  const decide = (name: keyof typeof CONFLICT_STRATEGY_FACTORIES, contenders: Contender[]) =>
    CONFLICT_STRATEGY_FACTORIES[name]().decide(contenders, context);

  it('prefix: the first in config order (only prefix: false servers contend)', () => {
    assert.equal(decide('prefix', [b, a]).winner, a);
  });

  it('priority: the first in catalog.priority, then config order for unlisted servers', () => {
    assert.equal(decide('priority', [a, b, c]).winner, c);
    assert.equal(decide('priority', [a, b]).winner, b);
    const unlisted = { ...a, server: 'z', index: 5 };
    assert.equal(decide('priority', [unlisted, a]).winner, a);
    assert.match(decide('priority', [unlisted, a]).reason, /no contender is in catalog.priority/);
  });

  it('version: the highest semver (1.10.0 > 1.2.0), non-semver lowest, ties to config order', () => {
    const decision = decide('version', [a, b]);
    assert.equal(decision.winner, b);
    assert.equal(decision.reason, "b reports version 1.10.0, higher than a's 1.2.0");
    assert.equal(decide('version', [c, a]).winner, a, 'no version ranks below any');
    assert.equal(
      decide('version', [{ ...a, version: 'v2' }, b]).winner?.server,
      'a',
      'v2 is coerced to 2.0.0',
    );
    const tie = decide('version', [
      { ...b, index: 3 },
      { ...a, version: '1.10.0' },
    ]);
    assert.equal(tie.winner?.server, 'a');
    assert.match(tie.reason, /same version 1.10.0/);
  });

  it('conditional: nobody keeps a name that collides when first seen', () => {
    assert.equal(decide('conditional', [a, b]).winner, undefined);
  });

  it('conditional: the server that served the name bare keeps it, the earliest if several did', () => {
    const held = { ...b, remembered: { served: 'read', seq: 7 } };
    assert.equal(decide('conditional', [a, held]).winner, held);
    const older = { ...a, remembered: { served: 'read', seq: 3 } };
    assert.equal(decide('conditional', [held, older]).winner, older);
  });

  it('conditional: an item served prefixed before stays prefixed when its collision goes away', () => {
    const prefixed = { ...a, remembered: { served: 'a__read', seq: 1 } };
    const decision = decide('conditional', [prefixed]);
    assert.equal(decision.winner, undefined);
    assert.match(decision.reason, /served as "a__read" before/);
  });
});
