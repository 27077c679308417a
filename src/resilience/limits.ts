import { createRequire } from 'node:module';
import { type BulkheadPolicy, BulkheadRejectedError, bulkhead } from 'cockatiel';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { ResilienceConfig } from '../config/resilience.ts';
import { HubError } from '../errors.ts';

/** The key calls without a known client identity share for `perClientPerMinute`. */
const ANONYMOUS = 'anonymous';

/**
 * rate-limiter-flexible costs about 10 MB of memory once loaded, and most servers have no rate limit: it is
 * loaded (synchronously, it is CommonJS) only by a server that sets one.
 */
const rateLimiter = () =>
  createRequire(import.meta.url)('rate-limiter-flexible') as typeof import('rate-limiter-flexible');

/**
 * One server's limits: rate limits (rate-limiter-flexible, in memory; per server and per client, per
 * minute) and a bulkhead (cockatiel: `maxConcurrent` calls in flight, `maxQueue` waiting, the rest
 * refused at once). Without a setting, that limit is off.
 */
export class ServerLimits {
  readonly #server: string;
  readonly #perServer: RateLimiterMemory | undefined;
  readonly #perClient: RateLimiterMemory | undefined;
  readonly #bulkhead: BulkheadPolicy | undefined;

  constructor(server: string, limits: ResilienceConfig['limits']) {
    this.#server = server;
    const perMinute = (points: number | undefined) =>
      points === undefined ? undefined : new (rateLimiter().RateLimiterMemory)({ points, duration: 60 });
    this.#perServer = perMinute(limits.perMinute);
    this.#perClient = perMinute(limits.perClientPerMinute);
    this.#bulkhead =
      limits.maxConcurrent === undefined ? undefined : bulkhead(limits.maxConcurrent, limits.maxQueue);
  }

  /**
   * Takes one call from the rate limits (the client's first, so one noisy client does not use up the
   * server's budget for everyone when its own is spent).
   * Without rate limits there is nothing to wait for, and no promise is made (this is on every call's path).
   * @throws HubError `RATE_LIMITED` with `data.retryAfterMs`.
   */
  admit(client: string | undefined): Promise<void> | undefined {
    if (!this.#perClient && !this.#perServer) return undefined;
    return this.#consume(this.#perClient, client ?? ANONYMOUS, 'this client').then(() =>
      this.#consume(this.#perServer, 'all', 'all clients'),
    );
  }

  async #consume(limiter: RateLimiterMemory | undefined, key: string, who: string): Promise<void> {
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof rateLimiter().RateLimiterRes)) throw rejection;
      const retryAfterMs = Math.max(1, Math.ceil(rejection.msBeforeNext));
      throw new HubError(
        'RATE_LIMITED',
        `server "${this.#server}": rate limit of ${limiter.points} calls per minute for ${who} reached`,
        { server: this.#server, retryable: true, data: { retryAfterMs } },
      );
    }
  }

  /**
   * Runs `fn` inside the bulkhead (queued when all slots are busy). A call cancelled while it waits in the
   * queue is answered at once; cockatiel drops it when its turn comes.
   * @throws HubError `OVERLOADED` when the queue is full too, `CANCELLED` when `signal` aborts while queued.
   */
  async run<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!this.#bulkhead) return fn();
    const run = this.#bulkhead.execute(fn, signal);
    let stopListening = () => {};
    try {
      if (!signal) return await run;
      run.catch(() => {}); // settles later if the caller gave up first: nobody waits for it then
      const cancelled = new Promise<never>((_, reject) => {
        const abort = () =>
          reject(
            new HubError('CANCELLED', 'request cancelled', { server: this.#server, cause: signal.reason }),
          );
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort, { once: true });
        stopListening = () => signal.removeEventListener('abort', abort);
      });
      // `cancelled` first: when both have settled, the caller's cancellation is the answer.
      return await Promise.race([cancelled, run]);
    } catch (error) {
      if (!(error instanceof BulkheadRejectedError)) throw error;
      throw new HubError('OVERLOADED', `server "${this.#server}" has too many calls in flight`, {
        server: this.#server,
        retryable: true,
        cause: error,
      });
    } finally {
      stopListening();
    }
  }
}
