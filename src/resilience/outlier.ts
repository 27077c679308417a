import type { ResilienceConfig } from '../config/resilience.ts';

/** Ejections are capped at this many times `ejectMs` (Envoy: base time × ejections, up to a maximum). */
const MAX_EJECTION_FACTOR = 10;

/**
 * Passive outlier detection for one replica, after Envoy's: `ejectAfter` consecutive failures (real calls
 * or health probes) eject it for `ejectMs` × the number of ejections in a row, after which it is brought
 * back. A success resets the count; a passing active probe readmits an ejected replica at once.
 * Hand-written because cockatiel has no ejection; it is a counter and a deadline.
 */
export class OutlierDetector {
  readonly #config: ResilienceConfig['health'];
  readonly #onChange: (ejected: boolean) => void;
  #failures = 0;
  #ejections = 0;
  #ejectedUntil = 0;

  constructor(config: ResilienceConfig['health'], onChange: (ejected: boolean) => void = () => {}) {
    this.#config = config;
    this.#onChange = onChange;
  }

  /** True while the replica is out of rotation. */
  get ejected(): boolean {
    return Date.now() < this.#ejectedUntil;
  }

  /** Epoch milliseconds when an ejected replica comes back (0 when it is not ejected). */
  get ejectedUntil(): number {
    return this.ejected ? this.#ejectedUntil : 0;
  }

  success(): void {
    this.#failures = 0;
    if (!this.ejected) this.#ejections = 0;
  }

  failure(): void {
    this.#failures += 1;
    if (this.#failures < this.#config.ejectAfter || this.ejected) return;
    this.#failures = 0;
    this.#ejections = Math.min(this.#ejections + 1, MAX_EJECTION_FACTOR);
    this.#ejectedUntil = Date.now() + this.#config.ejectMs * this.#ejections;
    this.#onChange(true);
  }

  /** An active probe answered: an ejected replica is brought back now rather than at its deadline. */
  readmit(): void {
    if (!this.ejected) return;
    this.#failures = 0;
    this.#ejectedUntil = 0;
    this.#onChange(false);
  }
}
