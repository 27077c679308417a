import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per hub, so two hubs in one process (tests, embedding) never share counters.
 * Modules register their own metrics on it (`new Counter({ registers: [hub.metrics], ... })`); the HTTP
 * face serves it at `/metrics`.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'toolmesh_process_' });
  return registry;
}
