import type { Hub } from '../hub.ts';

export interface HealthReport {
  /** True once start-up has settled and at least one enabled server is ready (or none is configured). */
  ready: boolean;
  servers: { name: string; state: string; lastError?: string }[];
}

/**
 * Readiness as a load balancer or a waiting script sees it. A hub whose servers all failed is not ready:
 * it would answer every call with an error.
 */
export function health(hub: Hub): HealthReport {
  const servers = hub.servers().map(({ name, state, lastError }) => ({ name, state, lastError }));
  const enabled = servers.filter((server) => server.state !== 'disabled');
  const someReady = enabled.length === 0 || enabled.some((server) => server.state === 'ready');
  return { ready: hub.started && someReady, servers };
}
