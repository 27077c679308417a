/**
 * Decides, after an upstream failed to start or went away, whether to try again and when. Pure apart from
 * its small history, so it is easy to test and to show: it never sleeps or spawns anything itself.
 */
export interface RestartPolicyOptions {
  /** First delay before retrying, in ms; doubles on each consecutive failure. */
  initialDelayMs: number;
  /** Upper bound of the delay, in ms. */
  maxDelayMs: number;
  /**
   * Consecutive failed start attempts before giving up, for a server that was never ready. One that was
   * ready before is retried with capped backoff for as long as it takes (a remote server being redeployed).
   */
  maxStartFailures: number;
  /** Exits of a server that had been ready, within `crashWindowMs`, that count as a crash loop. */
  maxCrashes: number;
  crashWindowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxStartFailures: 3,
  maxCrashes: 5,
  crashWindowMs: 60_000,
};

export type RestartDecision = { retryInMs: number } | { giveUp: string };

export class RestartPolicy {
  readonly #options: RestartPolicyOptions;
  #consecutiveFailures = 0;
  #crashTimes: number[] = [];
  #everReady = false;

  constructor(options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {
    this.#options = options;
  }

  /** The server completed its handshake: the start-failure streak is over. */
  onReady(): void {
    this.#consecutiveFailures = 0;
    this.#everReady = true;
  }

  /** A start attempt failed before the server became ready. */
  onStartFailure(permanent: boolean): RestartDecision {
    this.#consecutiveFailures += 1;
    if (permanent) return { giveUp: 'will not retry: the same error would repeat' };
    if (!this.#everReady && this.#consecutiveFailures >= this.#options.maxStartFailures) {
      return { giveUp: `gave up after ${this.#consecutiveFailures} failed start attempts` };
    }
    return { retryInMs: this.#delay() };
  }

  /** A server that was ready went away (process exit, connection lost). */
  onCrash(now = Date.now()): RestartDecision {
    const windowStart = now - this.#options.crashWindowMs;
    this.#crashTimes = [...this.#crashTimes.filter((t) => t > windowStart), now];
    if (this.#crashTimes.length >= this.#options.maxCrashes) {
      const seconds = Math.round(this.#options.crashWindowMs / 1000);
      return { giveUp: `crash loop: ${this.#crashTimes.length} exits within ${seconds} s` };
    }
    this.#consecutiveFailures += 1;
    return { retryInMs: this.#delay() };
  }

  #delay(): number {
    const { initialDelayMs, maxDelayMs } = this.#options;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, this.#consecutiveFailures - 1));
    const jitter = 0.8 + Math.random() * 0.4; // ±20 %, so many servers failing together do not retry in step
    return Math.round(base * jitter);
  }
}
