/**
 * Test support for routing strategies: a seeded random source, candidate lists and a call simulator.
 * Product code (not a mock): the strategy unit tests and the contract suite share it.
 */
import type { Candidate, RoutingStrategy } from './strategy.ts';

/** A deterministic uniform source in [0, 1) (mulberry32), so randomised strategies are reproducible. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` candidates `s#0`, `s#1`…, weight 1 and nothing pending unless `weights` says otherwise. */
export function candidates(count: number, weights: readonly number[] = []): Candidate[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `s#${index}`,
    index,
    weight: weights[index] ?? 1,
    pending: 0,
  }));
}

/** How simulated replica `index` answers call number `call`. */
export interface SimulatedWorld {
  readonly replicas: number;
  readonly calls: number;
  /** Latency in ms the replica shows on this call. */
  latencyMs(index: number, call: number): number;
  /** Whether the replica serves this call; true when absent. */
  ok?(index: number, call: number): boolean;
}

/**
 * Routes `world.calls` sequential calls through `strategy`, reporting each outcome back.
 * @returns the chosen replica index for each call, in order.
 */
export function simulate(strategy: RoutingStrategy, world: SimulatedWorld): number[] {
  const given = candidates(world.replicas);
  const chosen: number[] = [];
  for (let call = 0; call < world.calls; call++) {
    const pick = strategy.select(given, {});
    chosen.push(pick.index);
    const ok = world.ok?.(pick.index, call) ?? true;
    strategy.record?.({ candidate: pick.id, ok, latencyMs: world.latencyMs(pick.index, call) });
  }
  return chosen;
}

/** The fraction of `chosen[from..to)` that went to replica `index`. */
export function share(chosen: readonly number[], index: number, from: number, to: number): number {
  const window = chosen.slice(from, to);
  return window.filter((picked) => picked === index).length / window.length;
}

/** Calls in each phase of `faultWorld`: healthy, replica 1 faulty, replica 1 recovered. */
export const PHASE = 300;

/**
 * Three replicas answering in 10-14 ms (seeded jitter) for `3 × PHASE` calls, except that replica 1 is
 * faulty during the middle phase: 200 ms slow (`'slow'`) or failing fast (`'error'`).
 */
export function faultWorld(fault: 'slow' | 'error', seed: number): SimulatedWorld {
  const jitter = seeded(seed);
  const faulty = (index: number, call: number) => index === 1 && call >= PHASE && call < 2 * PHASE;
  return {
    replicas: 3,
    calls: 3 * PHASE,
    latencyMs: (index, call) => (fault === 'slow' && faulty(index, call) ? 200 : 10) + jitter() * 4,
    ok: (index, call) => !(fault === 'error' && faulty(index, call)),
  };
}
