/**
 * Exponentially weighted moving average: the new level after `sample`, with `alpha` (0..1] the weight of
 * the newest sample. The first sample (no `previous`) is taken as it is.
 */
export function ewma(previous: number | undefined, sample: number, alpha: number): number {
  return previous === undefined ? sample : alpha * sample + (1 - alpha) * previous;
}
