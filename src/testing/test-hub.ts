import type { DiscoveryConfig } from '../config/discovery.ts';
import {
  type CatalogConfig,
  DEFAULT_LISTEN,
  DEFAULT_SERVER_CATALOG,
  DEFAULT_TIMEOUTS,
  type HubConfig,
  type ReplicaConfig,
  type ServerConfig,
} from '../config/model.ts';
import { Hub } from '../hub.ts';
import { createLogger, type Logger, type LogLevel } from '../observability/logger.ts';
import { attachOrchestration } from '../orchestrate.ts';
import { type HttpHandle, serveHttp } from '../server/http.ts';

/** A server for a test hub: a name plus the fields that matter; the rest takes the config defaults. */
export type TestServer = Pick<ServerConfig, 'name'> & Partial<ServerConfig>;

export interface TestHub {
  hub: Hub;
  /** Present when `http: true`: the hub's Streamable HTTP face on a free loopback port. */
  http?: HttpHandle;
  /** Stops the HTTP face and every upstream. Safe to call twice. */
  close(): Promise<void>;
}

/** A full `ReplicaConfig` from the fields a test sets (stdio when `command` is given, else http). */
export function testReplica(replica: Partial<ReplicaConfig>): ReplicaConfig {
  return {
    transport: replica.command ? 'stdio' : 'http',
    args: [],
    env: {},
    inheritEnv: [],
    headers: {},
    weight: 1,
    ...replica,
  };
}

/**
 * A full `ServerConfig` from the few fields a test sets (stdio when `command` is given, else http). With
 * `replicas`, the top-level transport fields are the first replica's, as the config loader makes them.
 */
export function testServerConfig(server: TestServer): ServerConfig {
  const { weight: _weight, ...first } = server.replicas?.[0] ?? { weight: 1 };
  return {
    transport: server.command ? 'stdio' : 'http',
    args: [],
    env: {},
    inheritEnv: [],
    headers: {},
    enabled: true,
    prefix: true,
    catalog: DEFAULT_SERVER_CATALOG,
    source: { file: '<test>' },
    ...first,
    ...server,
    timeouts: { ...DEFAULT_TIMEOUTS, ...server.timeouts },
  };
}

/**
 * Starts a hub on the given servers, as the real CLI would, for tests and embedding. Resolves once every
 * server settled its first start attempt. Logs go to stderr at `TOOLMESH_LOG_LEVEL` (default: silent).
 */
export async function createTestHub(
  servers: TestServer[],
  options: {
    http?: boolean;
    sessionIdleMs?: number;
    /** Conflict resolution settings (default: prefix). */
    catalog?: CatalogConfig;
    /** The store file (default: in memory, so tests never write to ~/.toolmesh). */
    storePath?: string;
    /** Which clients get the discovery meta-tools (default: everyone gets the full list). */
    discovery?: DiscoveryConfig;
    /** Workflow files (absolute paths or globs) and composite tools to serve. */
    orchestration?: Pick<HubConfig, 'workflows' | 'composites'>;
    /** Where the hub logs (default: stderr at `TOOLMESH_LOG_LEVEL`, silent when unset). */
    logger?: Logger;
  } = {},
): Promise<TestHub> {
  const config: HubConfig = {
    servers: servers.map(testServerConfig),
    listen: { ...DEFAULT_LISTEN, port: 0 },
    ...(options.discovery && { discovery: options.discovery }),
    file: '<test>',
    format: 'toolmesh',
    warnings: [],
    ...(options.catalog && { catalog: options.catalog }),
    store: { path: options.storePath ?? ':memory:' },
    ...options.orchestration,
  };
  const level = (process.env.TOOLMESH_LOG_LEVEL as LogLevel | undefined) ?? 'silent';
  const hub = new Hub(config, { logger: options.logger ?? createLogger(level) });
  const orchestration = await attachOrchestration(hub);
  const http = options.http
    ? await serveHttp(hub, { host: '127.0.0.1', port: 0, sessionIdleMs: options.sessionIdleMs })
    : undefined;
  await hub.start();
  let closed: Promise<void> | undefined;
  return {
    hub,
    http,
    close() {
      closed ??= (async () => {
        await http?.close();
        await hub.stop();
        orchestration.close();
      })();
      return closed;
    },
  };
}
