import type { ServerConfig } from '../config/model.ts';
import type { ResilienceConfig } from '../config/resilience.ts';
import { HubError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { type BreakerState, ReplicaBreaker } from '../resilience/breaker.ts';
import { isReplicaFailure } from '../resilience/failures.ts';
import { OutlierDetector } from '../resilience/outlier.ts';
import { Upstream, type UpstreamState } from '../upstream/upstream.ts';
import type { Candidate } from './strategy.ts';

/** One replica as `toolmesh servers` and the admin API show it. */
export interface ReplicaStatus {
  id: string;
  state: UpstreamState;
  transport: ServerConfig['transport'];
  weight: number;
  /** Circuit breaker state. */
  breaker: BreakerState;
  /** Out of rotation until this time (ISO), after consecutive failures. */
  ejectedUntil?: string;
  /** Why this replica is not used: its tool list differs from the server's. */
  mismatch?: string;
  /** Calls in flight. */
  pending: number;
  pid?: number;
  restarts: number;
  lastError?: string;
}

/**
 * One replica of a logical server: its `Upstream` (connection and supervisor), its id (`api#0`), its
 * calls in flight, its breaker and outlier detector, and whether its lists match the server's.
 */
export class Replica {
  readonly id: string;
  readonly index: number;
  readonly weight: number;
  readonly upstream: Upstream;
  readonly breaker: ReplicaBreaker;
  readonly outlier: OutlierDetector;
  pending = 0;
  /** Set when this replica's tools differ from the server's (it is then never routed to). */
  mismatch: string | undefined;
  /** True once it listed at least once (its lists can be the server's). */
  listed = false;

  constructor(
    config: ServerConfig,
    index: number,
    weight: number,
    resilience: ResilienceConfig,
    logger: Logger,
  ) {
    this.id = `${config.name}#${index}`;
    this.index = index;
    this.weight = weight;
    const log = logger.child({ replica: this.id });
    this.upstream = new Upstream(config, log);
    this.breaker = new ReplicaBreaker(resilience.breaker, (state) => log.warn({ breaker: state }, 'circuit'));
    this.outlier = new OutlierDetector(resilience.health, (ejected) =>
      log.warn({ ejected }, ejected ? 'ejected after consecutive failures' : 'readmitted'),
    );
  }

  /** What a routing strategy sees. */
  get candidate(): Candidate {
    return { id: this.id, index: this.index, weight: this.weight, pending: this.pending };
  }

  /**
   * Sends through this replica's breaker and feeds the outcome to outlier detection. Whatever fails
   * after the caller cancelled is a cancellation, never the replica's failure.
   * @throws HubError `CIRCUIT_OPEN`, `CANCELLED`, or what the upstream raised.
   */
  async send<T>(
    server: string,
    signal: AbortSignal | undefined,
    fn: (upstream: Upstream) => Promise<T>,
  ): Promise<T> {
    const attempt = () =>
      fn(this.upstream).catch((error: unknown) => {
        if (!signal?.aborted || (HubError.is(error) && error.code === 'CANCELLED')) throw error;
        throw new HubError('CANCELLED', 'request cancelled', { server, cause: error });
      });
    try {
      const result = await this.breaker.execute(server, attempt);
      this.outlier.success();
      return result;
    } catch (error) {
      if (isReplicaFailure(error)) this.outlier.failure();
      throw error;
    }
  }

  status(): ReplicaStatus {
    const until = this.outlier.ejectedUntil;
    return {
      id: this.id,
      state: this.upstream.state,
      transport: this.upstream.config.transport,
      weight: this.weight,
      breaker: this.breaker.state,
      ...(until > 0 && { ejectedUntil: new Date(until).toISOString() }),
      ...(this.mismatch !== undefined && { mismatch: this.mismatch }),
      pending: this.pending,
      pid: this.upstream.pid,
      restarts: this.upstream.restarts,
      lastError: this.upstream.lastError,
    };
  }
}
