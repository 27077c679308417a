import type { ResilienceConfig } from '../config/resilience.ts';
import type { Upstream } from '../upstream/upstream.ts';
import type { OutlierDetector } from './outlier.ts';

/** What a probe needs of a replica. */
export interface Probed {
  readonly upstream: Pick<Upstream, 'state' | 'ping'>;
  readonly outlier: Pick<OutlierDetector, 'readmit' | 'failure'>;
}

/**
 * Active health checks: every `intervalMs`, each ready replica gets an MCP `ping` (a real round trip
 * through the server's protocol stack, not a TCP connect) that must answer within `timeoutMs`. A failed
 * probe counts towards ejection like a failed call; a passing probe brings an ejected replica back at
 * once. One probe per replica at a time. Returns the function that stops the checks.
 */
export function startHealthChecks(
  replicas: readonly Probed[],
  config: ResilienceConfig['health'],
): () => void {
  if (config.intervalMs <= 0) return () => {};
  const probing = new Set<Probed>();
  const probe = (replica: Probed) => {
    if (probing.has(replica) || replica.upstream.state !== 'ready') return;
    probing.add(replica);
    replica.upstream
      .ping(config.timeoutMs)
      .then(
        () => replica.outlier.readmit(),
        () => replica.outlier.failure(),
      )
      .finally(() => probing.delete(replica));
  };
  const timer = setInterval(() => {
    for (const replica of replicas) probe(replica);
  }, config.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
