import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleBeta } from './beta.ts';
import { seeded } from './testing.ts';

function moments(a: number, b: number, draws = 20_000): { mean: number; variance: number } {
  const random = seeded(a * 1000 + b);
  const samples = Array.from({ length: draws }, () => sampleBeta(a, b, random));
  const mean = samples.reduce((sum, x) => sum + x, 0) / draws;
  const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / draws;
  return { mean, variance };
}

describe('sampleBeta', () => {
  for (const [a, b] of [
    [1, 1],
    [2, 5],
    [20, 1.2],
    [0.5, 0.5],
    [1, 0.2],
  ] as const) {
    it(`matches the mean and variance of Beta(${a}, ${b})`, () => {
      const { mean, variance } = moments(a, b);
      const expectedMean = a / (a + b);
      const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      assert.ok(Math.abs(mean - expectedMean) < 0.01, `mean ${mean}, expected ${expectedMean}`);
      assert.ok(
        Math.abs(variance - expectedVariance) < 0.1 * expectedVariance + 1e-4,
        `variance ${variance}`,
      );
    });
  }

  it('stays within [0, 1] and rejects shapes that are not positive', () => {
    const random = seeded(9);
    for (let n = 0; n < 1000; n++) {
      const x = sampleBeta(0.3, 3, random);
      assert.ok(x >= 0 && x <= 1);
    }
    assert.throws(() => sampleBeta(0, 1, random), RangeError);
    assert.throws(() => sampleBeta(1, Number.NaN, random), RangeError);
  });
});
