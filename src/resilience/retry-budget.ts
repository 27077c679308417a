/** Seconds of history the budget looks at (Finagle's token lifetime). */
const WINDOW_S = 10;

/**
 * A retry budget after Finagle and Linkerd: retries may add at most `percent` % to the requests of the
 * last 10 s, plus `minPerSecond` each second, so a degraded server is not hit by a retry storm that
 * multiplies its load. Kept in one-second buckets, so memory does not grow with traffic. Hand-written:
 * cockatiel's retry policy counts attempts per call, not a budget shared by all calls.
 */
export class RetryBudget {
  readonly #percent: number;
  readonly #minPerSecond: number;
  readonly #now: () => number;
  /** Requests and retries per epoch second of the window. */
  readonly #buckets = new Map<number, { requests: number; retries: number }>();

  constructor(percent: number, minPerSecond: number, now: () => number = Date.now) {
    this.#percent = percent;
    this.#minPerSecond = minPerSecond;
    this.#now = now;
  }

  /** Counts one request (the first attempt of a call). */
  request(): void {
    this.#bucket().requests += 1;
  }

  /** Takes one retry from the budget; false when the budget is spent (the caller then gives up). */
  tryRetry(): boolean {
    const bucket = this.#bucket();
    let requests = 0;
    let retries = 0;
    for (const counts of this.#buckets.values()) {
      requests += counts.requests;
      retries += counts.retries;
    }
    const allowed = (requests * this.#percent) / 100 + this.#minPerSecond * WINDOW_S;
    if (retries >= allowed) return false;
    bucket.retries += 1;
    return true;
  }

  #bucket(): { requests: number; retries: number } {
    const second = Math.floor(this.#now() / 1000);
    for (const key of this.#buckets.keys()) if (key <= second - WINDOW_S) this.#buckets.delete(key);
    let bucket = this.#buckets.get(second);
    if (!bucket) {
      bucket = { requests: 0, retries: 0 };
      this.#buckets.set(second, bucket);
    }
    return bucket;
  }
}
