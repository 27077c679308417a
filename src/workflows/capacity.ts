/**
 * Per-server capacity: how many units of work a server takes at once (e.g. a compute server with 8 job
 * slots; a step declares `slots: 2`). Written here rather than with cockatiel's bulkhead because that one
 * counts calls, not weighted units, and rejects when its queue is full instead of waiting.
 */

/** A weighted semaphore; waiters are served in arrival order so a large request is not starved. */
export class Capacity {
  readonly limit: number;
  #used = 0;
  readonly #queue: { units: number; grant: () => void }[] = [];

  /** @throws RangeError unless `limit` is a whole number of at least 1. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`capacity must be a whole number ≥ 1, got ${limit}`);
    this.limit = limit;
  }

  /**
   * Waits until `units` are free and takes them; returns the function that gives them back (call once).
   * Asking for more than `limit` takes the whole capacity. Rejects with the signal's reason if it aborts
   * while waiting.
   */
  async acquire(units: number, signal: AbortSignal): Promise<() => void> {
    const need = Math.min(units, this.limit);
    signal.throwIfAborted();
    if (this.#queue.length === 0 && this.#used + need <= this.limit) this.#used += need;
    else {
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          units: need,
          grant: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          this.#drain();
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.#queue.push(waiter);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used -= need;
      this.#drain();
    };
  }

  #drain(): void {
    for (let next = this.#queue[0]; next && this.#used + next.units <= this.limit; next = this.#queue[0]) {
      this.#queue.shift();
      this.#used += next.units;
      next.grant();
    }
  }
}

/** Maps `items` with at most `limit` calls of `fn` in flight; results keep the order of `items`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    // After a failure no new item starts; those in flight finish (their outcome is journaled).
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
