/**
 * How the hub picks one replica of a logical server for a call. Strategies are small and pure over what
 * they are given: the router hands `select` only healthy candidates and reports each outcome back through
 * `record`, so a strategy never probes, waits or talks to a server itself.
 */
import { ROUTING_STRATEGIES } from '../config/resilience.ts';

/** One replica as a strategy sees it at selection time. */
export interface Candidate {
  /** Stable replica id within its server (e.g. `api#0`), also the `replica` label in metrics. */
  readonly id: string;
  /** Its position in the config's `replicas:` list: 0 is the primary for `failover`. */
  readonly index: number;
  /** Relative share for `weighted` (config `weight`, default 1). */
  readonly weight: number;
  /** Calls in flight on this replica right now. */
  readonly pending: number;
}

/** What is known about the call being routed. */
export interface RouteContext {
  /** The affinity key: the downstream session id, or a configured argument's value; absent for none. */
  readonly key?: string;
}

/** How one routed call ended, reported to the strategy that chose the replica. */
export interface Outcome {
  readonly candidate: string;
  /** False when the replica failed the call (timeout, connection loss, upstream error), not for `isError`. */
  readonly ok: boolean;
  /** Wall time of the call on that replica, in milliseconds. */
  readonly latencyMs: number;
}

export interface RoutingStrategy {
  readonly name: StrategyName;
  /** Picks one of `candidates` (never empty: the router answers NO_HEALTHY_REPLICA itself). */
  select(candidates: readonly Candidate[], context: RouteContext): Candidate;
  /** Feedback after each call, for strategies that learn (latency, adaptive). */
  record?(outcome: Outcome): void;
}

/** Every strategy a config may name: the config schema's list, so the two can never disagree. */
export const STRATEGY_NAMES = ROUTING_STRATEGIES;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** What a factory may be given; tests pass `random` to make randomised strategies reproducible. */
export interface StrategyOptions {
  /** Uniform in [0, 1); defaults to `Math.random`. */
  readonly random?: () => number;
}

export type StrategyFactory = (options?: StrategyOptions) => RoutingStrategy;
