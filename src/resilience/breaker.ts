import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  handleWhen,
  type IBreaker,
} from 'cockatiel';
import type { ResilienceConfig } from '../config/resilience.ts';
import { HubError } from '../errors.ts';
import { markUnsent } from '../upstream/errors.ts';
import { isReplicaFailure } from './failures.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Cockatiel's breaker lets one trial call through when half-open and closes after one success; the
 * issue asks for up to `halfOpenCalls` trial calls and `successes` successes before closing. This
 * `IBreaker` keeps cockatiel's timing and adds the rest as probation: after the first successful trial
 * the circuit counts as half-open until `successes` calls succeeded, and any failure meanwhile reopens
 * it at once. `ReplicaBreaker.admits` caps the calls let through during that time.
 */
class ProbationBreaker implements IBreaker {
  state = { failures: 0, probation: 0 };
  readonly #threshold: number;
  readonly #successes: number;

  constructor(threshold: number, successes: number) {
    this.#threshold = threshold;
    this.#successes = successes;
  }

  success(circuit: CircuitState): void {
    this.state.failures = 0;
    if (circuit === CircuitState.HalfOpen) this.state.probation = this.#successes - 1;
    else if (this.state.probation > 0) this.state.probation -= 1;
  }

  failure(circuit: CircuitState): boolean {
    if (circuit === CircuitState.HalfOpen || this.state.probation > 0) {
      this.state = { failures: 0, probation: 0 };
      return true;
    }
    this.state.failures += 1;
    if (this.state.failures < this.#threshold) return false;
    this.state.failures = 0;
    return true;
  }
}

/**
 * One replica's circuit breaker (cockatiel): opens after `failures` consecutive replica failures (see
 * `isReplicaFailure`), lets trial calls through after `halfOpenAfterMs`, closes after `successes`.
 */
export class ReplicaBreaker {
  readonly #policy: CircuitBreakerPolicy;
  readonly #probation: ProbationBreaker;
  readonly #config: ResilienceConfig['breaker'];
  #openedAt = 0;

  constructor(config: ResilienceConfig['breaker'], onChange?: (state: BreakerState) => void) {
    this.#config = config;
    this.#probation = new ProbationBreaker(config.failures, config.successes);
    this.#policy = circuitBreaker(handleWhen(isReplicaFailure), {
      halfOpenAfter: config.halfOpenAfterMs,
      breaker: this.#probation,
    });
    this.#policy.onBreak(() => {
      this.#openedAt = Date.now();
    });
    if (onChange) this.#policy.onStateChange(() => onChange(this.state));
  }

  /** Closed, open, or half-open (cockatiel's trial call, or probation until enough successes). */
  get state(): BreakerState {
    const circuit = this.#policy.state;
    if (circuit === CircuitState.Open || circuit === CircuitState.Isolated) return 'open';
    if (circuit === CircuitState.HalfOpen || this.#probation.state.probation > 0) return 'half-open';
    return 'closed';
  }

  /** Whether a call may go to this replica now, given its calls in flight. */
  admits(pending: number): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'half-open') return pending < this.#config.halfOpenCalls;
    // Open: cockatiel moves to half-open on the first call after the wait, so that call is admitted.
    return Date.now() - this.#openedAt >= this.#config.halfOpenAfterMs && pending === 0;
  }

  /**
   * Runs `fn` through the breaker.
   * @throws HubError `CIRCUIT_OPEN` (retryable, naming `server`) when the circuit is open; else what `fn` threw.
   */
  async execute<T>(server: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.#policy.execute(fn);
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      const retryAfterMs = Math.max(0, this.#openedAt + this.#config.halfOpenAfterMs - Date.now());
      const open = new HubError('CIRCUIT_OPEN', `server "${server}" is failing: its circuit is open`, {
        server,
        retryable: true,
        cause: error,
        data: { retryAfterMs },
      });
      throw markUnsent(open);
    }
  }
}
