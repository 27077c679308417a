import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per hub, so two hubs in one process (tests, embedding) never share counters.
 * Modules register their own metrics on it (`new Counter({ registers: [hub.metrics], ... })`); the HTTP
 * face serves it at `/metrics`.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: 'toolmesh_process_',
    eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
  });
  return registry;
}

/**
 * How often the event loop's delay is sampled. prom-client's default, 10 ms, woke an idle hub 98 times a
 * second and cost it 13 ms of CPU per second; at 100 ms, 11.5 wake-ups and 2 ms (docs/benchmarks.md). A
 * stall that matters (100 ms or more) still shows in the histogram.
 */
const EVENT_LOOP_SAMPLE_MS = 100;
