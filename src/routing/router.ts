import { Counter, type Registry } from 'prom-client';
import { HubError } from '../errors.ts';
import { isReplicaFailure } from '../resilience/failures.ts';
import { createStrategy } from './registry.ts';
import type { Replica } from './replica.ts';
import type { RouteContext, RoutingStrategy, StrategyName } from './strategy.ts';

/** One counted routing decision, as the admin API shows it. */
export interface DecisionCount {
  replica: string;
  strategy: StrategyName;
  count: number;
}

interface Tally {
  readonly decisions: DecisionCount;
  readonly metric: { inc(): void } | undefined;
}

/** One counter per metrics registry, shared by every server's router (labels tell them apart). */
const counters = new WeakMap<Registry, Counter<'server' | 'replica' | 'strategy'>>();

function decisionCounter(registry: Registry): Counter<'server' | 'replica' | 'strategy'> {
  let counter = counters.get(registry);
  if (!counter) {
    counter = new Counter({
      name: 'toolmesh_routing_decisions_total',
      help: 'Calls routed to each replica, by server, replica and the strategy that chose it.',
      labelNames: ['server', 'replica', 'strategy'],
      registers: [registry],
    });
    counters.set(registry, counter);
  }
  return counter;
}

/**
 * Picks a replica of one logical server for each call with the server's strategy, over the replicas that
 * can take a call: ready, tools matching, breaker admitting, and not ejected (an ejected one is used only
 * when no other is left). Counts every decision (`toolmesh_routing_decisions_total`),
 * tracks calls in flight and reports each outcome back to the strategy. The strategy can be swapped at
 * run time; calls in flight finish on the replica they were sent to.
 */
export class Router {
  readonly #server: string;
  readonly #counter: Counter<'server' | 'replica' | 'strategy'> | undefined;
  /** Decisions per strategy and replica, each with its metric child (labels built once, not per call). */
  readonly #tallies = new Map<StrategyName, Map<string, Tally>>();
  #strategy: RoutingStrategy;

  constructor(server: string, strategy: StrategyName, metrics?: Registry) {
    this.#server = server;
    this.#strategy = createStrategy(strategy);
    this.#counter = metrics && decisionCounter(metrics);
  }

  get strategy(): StrategyName {
    return this.#strategy.name;
  }

  /**
   * Routes later calls with a fresh `name` strategy.
   * @throws Error when no strategy of that name is implemented.
   */
  setStrategy(name: StrategyName): void {
    this.#strategy = createStrategy(name);
  }

  /**
   * The replica for the next attempt, preferring those not in `avoid` (already tried for this call), or
   * undefined when none can take a call.
   */
  pick(replicas: readonly Replica[], context: RouteContext, avoid: ReadonlySet<string>): Replica | undefined {
    // Most servers have one replica: no pools to build, no choice for the strategy to make.
    if (replicas.length === 1) {
      const only = replicas[0] as Replica;
      const takes = !only.mismatch && only.breaker.admits(only.pending) && only.upstream.state === 'ready';
      return takes ? this.#count(only) : undefined;
    }
    const usable = replicas.filter((replica) => !replica.mismatch && replica.breaker.admits(replica.pending));
    const ready = usable.filter((replica) => replica.upstream.state === 'ready');
    const tiers = [ready.filter((replica) => !replica.outlier.ejected), ready];
    for (const fresh of [true, false]) {
      for (const tier of tiers) {
        const pool = fresh ? tier.filter((replica) => !avoid.has(replica.id)) : tier;
        if (pool.length > 0) return this.#choose(pool, context);
      }
    }
    return undefined;
  }

  #choose(pool: Replica[], context: RouteContext): Replica {
    const chosen = this.#strategy.select(
      pool.map((replica) => replica.candidate),
      context,
    );
    return this.#count(pool.find((candidate) => candidate.id === chosen.id) ?? (pool[0] as Replica));
  }

  #count(replica: Replica): Replica {
    const strategy = this.#strategy.name;
    let byReplica = this.#tallies.get(strategy);
    if (!byReplica) {
      byReplica = new Map();
      this.#tallies.set(strategy, byReplica);
    }
    let tally = byReplica.get(replica.id);
    if (!tally) {
      tally = {
        decisions: { replica: replica.id, strategy, count: 0 },
        metric: this.#counter?.labels({ server: this.#server, replica: replica.id, strategy }),
      };
      byReplica.set(replica.id, tally);
    }
    tally.decisions.count += 1;
    tally.metric?.inc();
    return replica;
  }

  /**
   * Runs one attempt on `replica`: counts it in flight and reports its outcome and latency to the strategy
   * (a cancelled attempt is not reported).
   */
  async run<T>(replica: Replica, attempt: () => Promise<T>): Promise<T> {
    const started = performance.now();
    replica.pending += 1;
    let ok = true;
    let cancelled = false;
    try {
      return await attempt();
    } catch (error) {
      ok = !isReplicaFailure(error);
      // A cancelled call says nothing about the replica, not even its latency.
      cancelled = HubError.is(error) && error.code === 'CANCELLED';
      throw error;
    } finally {
      replica.pending -= 1;
      const latencyMs = performance.now() - started;
      if (!cancelled) this.#strategy.record?.({ candidate: replica.id, ok, latencyMs });
    }
  }

  /** Decisions so far, per replica and strategy. */
  decisions(): DecisionCount[] {
    return [...this.#tallies.values()].flatMap((byReplica) =>
      [...byReplica.values()].map((tally) => ({ ...tally.decisions })),
    );
  }
}
