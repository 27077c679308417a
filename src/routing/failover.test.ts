import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failover } from './failover.ts';
import type { Candidate } from './strategy.ts';
import { candidates } from './testing.ts';

describe('failover', () => {
  const [primary, secondary, tertiary] = candidates(3) as [Candidate, Candidate, Candidate];

  it('sends every call to the primary while it is healthy, whatever its load', () => {
    const strategy = failover();
    const busyPrimary = { ...primary, pending: 50 };
    for (let call = 0; call < 10; call++) {
      assert.equal(strategy.select([tertiary, busyPrimary, secondary], {}).id, 's#0');
    }
  });

  it('falls to the secondary, then the tertiary, and returns to the primary when it is back', () => {
    const strategy = failover();
    assert.equal(strategy.select([secondary, tertiary], {}).id, 's#1');
    assert.equal(strategy.select([tertiary], {}).id, 's#2');
    assert.equal(strategy.select([tertiary, secondary], {}).id, 's#1');
    assert.equal(strategy.select([primary, secondary, tertiary], {}).id, 's#0');
  });
});
