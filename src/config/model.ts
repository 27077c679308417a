/**
 * The one validated config model every config form becomes (toolmesh.yaml/json, Claude Desktop, Cursor,
 * VS Code, Claude Code files, CLI flags). Produced by `loadConfig()`; consumed by the hub.
 */

import type { ResilienceConfig } from './resilience.ts';

export type TransportKind = 'stdio' | 'http' | 'sse';

/** How to reach one replica of a logical server (the connection fields of `ServerConfig`). */
export type ReplicaConfig = Pick<
  ServerConfig,
  'transport' | 'command' | 'args' | 'env' | 'inheritEnv' | 'cwd' | 'url' | 'headers' | 'problem'
> & {
  /** Relative share for weighted routing. */
  weight: number;
};

export interface ServerConfig {
  /** Unique server name as written in the file (map key). */
  name: string;
  transport: TransportKind;
  /** stdio: executable, spawned without a shell. */
  command?: string;
  args: string[];
  /** stdio: variables given to the child on top of the safe default set. */
  env: Record<string, string>;
  /** stdio: names of extra variables of the hub's own environment passed through to the child. */
  inheritEnv: string[];
  cwd?: string;
  /** http/sse: endpoint URL. */
  url?: string;
  headers: Record<string, string>;
  /** false: the server is configured but not started. */
  enabled: boolean;
  /** true (default): catalog names are `<server>__<name>`; false: names served unchanged. */
  prefix: boolean;
  timeouts: {
    /** Max time from spawn/connect to a completed handshake and first listing. */
    startupMs: number;
    /** Default per-request timeout towards this server. */
    callMs: number;
    /** Longest a request may run even while progress keeps arriving (default 10 × `callMs`). */
    maxTotalMs?: number;
  };
  /**
   * Present when the entry lists `replicas:`: how to reach each copy (the top-level transport fields then
   * describe the first). Without it the server is one replica, the top-level fields. See `replicaConfigs`.
   */
  replicas?: ReplicaConfig[];
  /** Routing, breaker, health, retry and limits; `DEFAULT_RESILIENCE` when absent. */
  resilience?: ResilienceConfig;
  /**
   * Set when this entry could not be made usable (for example an unset `${VAR}`): the hub marks the
   * server `failed` with this message and starts the others. `validate` reports it as an error.
   */
  problem?: string;
  /** Where the entry came from, for messages and the dashboard. */
  source: { file: string; line?: number };
}

export interface HubConfig {
  /** Servers in file order. */
  servers: ServerConfig[];
  listen: { host: string; port: number };
  /** Absolute path of the file this came from, or `<builtin demo>`. */
  file: string;
  /** Which family of file it was read as. */
  format: 'toolmesh' | 'mcpServers' | 'vscode';
  /** Non-fatal notes for the user (ignored foreign keys and the like). */
  warnings: string[];
}

export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 7420 } as const;
export const DEFAULT_TIMEOUTS = { startupMs: 30_000, callMs: 60_000 } as const;

/**
 * One `ServerConfig` per replica of `server`, each named like the server (errors name the logical server)
 * with that replica's connection fields; a server without `replicas:` is its own single replica.
 */
export function replicaConfigs(server: ServerConfig): ServerConfig[] {
  if (!server.replicas) return [server];
  return server.replicas.map(({ weight: _weight, ...replica }) => ({
    ...server,
    ...replica,
    problem: replica.problem,
    replicas: undefined,
  }));
}
