/**
 * Beta-distributed samples from a given uniform source, for Thompson sampling in `adaptive`.
 *
 * Written here rather than imported: the maintained implementation (@stdlib/random-base-beta) installs
 * 236 packages (25 MB) for these few lines, and we need every draw to come from the strategy's own
 * `random` so tests are reproducible. Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); gamma
 * variates by Marsaglia & Tsang (2000), normal variates by Box–Muller.
 */

/**
 * One sample of Beta(a, b), in [0, 1].
 * @param random uniform in [0, 1)
 * @throws RangeError when a shape is not a positive finite number.
 */
export function sampleBeta(a: number, b: number, random: () => number): number {
  const x = sampleGamma(a, random);
  const y = sampleGamma(b, random);
  return x + y === 0 ? 0.5 : x / (x + y);
}

function sampleGamma(shape: number, random: () => number): number {
  if (!(shape > 0 && Number.isFinite(shape))) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  // Marsaglia & Tsang need shape >= 1; Gamma(k) = Gamma(k + 1) * U^(1/k) lifts smaller shapes.
  if (shape < 1) return sampleGamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function sampleNormal(random: () => number): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
