import { Gauge, type Registry } from 'prom-client';
import type { LogicalServer } from './logical-server.ts';

const BREAKER_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Registers the replica gauges on `registry`, read from the servers' state at each scrape (nothing is
 * kept twice): `toolmesh_replica_circuit_state` (0 closed, 1 half-open, 2 open),
 * `toolmesh_replica_ejected` (1 while ejected), `toolmesh_replica_pending` (calls in flight), all by
 * server and replica.
 */
export function registerReplicaGauges(registry: Registry, servers: () => Iterable<LogicalServer>): void {
  const gauge = (
    name: string,
    help: string,
    read: (status: ReturnType<LogicalServer['status']>['replicas'][number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['server', 'replica'],
      registers: [registry],
      collect() {
        this.reset();
        for (const server of servers()) {
          for (const replica of server.status().replicas) {
            this.set({ server: server.name, replica: replica.id }, read(replica));
          }
        }
      },
    });
  gauge(
    'toolmesh_replica_circuit_state',
    'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
    (replica) => BREAKER_VALUES[replica.breaker],
  );
  gauge(
    'toolmesh_replica_ejected',
    '1 while outlier detection keeps the replica out of rotation.',
    (replica) => (replica.ejectedUntil ? 1 : 0),
  );
  gauge('toolmesh_replica_pending', 'Calls in flight on the replica.', (replica) => replica.pending);
}
