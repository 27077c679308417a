import type { DiscoveryConfig } from '../config/discovery.ts';
import { DEFAULT_LISTEN, DEFAULT_TIMEOUTS, type HubConfig, type ServerConfig } from '../config/model.ts';
import { Hub } from '../hub.ts';
import { createLogger, type LogLevel } from '../observability/logger.ts';
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

/** A full `ServerConfig` from the few fields a test sets (stdio when `command` is given, else http). */
export function testServerConfig(server: TestServer): ServerConfig {
  return {
    transport: server.command ? 'stdio' : 'http',
    args: [],
    env: {},
    inheritEnv: [],
    headers: {},
    enabled: true,
    prefix: true,
    source: { file: '<test>' },
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
  options: { http?: boolean; sessionIdleMs?: number; discovery?: DiscoveryConfig } = {},
): Promise<TestHub> {
  const config: HubConfig = {
    servers: servers.map(testServerConfig),
    listen: { ...DEFAULT_LISTEN, port: 0 },
    ...(options.discovery && { discovery: options.discovery }),
    file: '<test>',
    format: 'toolmesh',
    warnings: [],
  };
  const level = (process.env.TOOLMESH_LOG_LEVEL as LogLevel | undefined) ?? 'silent';
  const hub = new Hub(config, { logger: createLogger(level) });
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
      })();
      return closed;
    },
  };
}
