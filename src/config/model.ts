/**
 * The one validated config model every config form becomes (toolmesh.yaml/json, Claude Desktop, Cursor,
 * VS Code, Claude Code files, CLI flags). Produced by `loadConfig()`; consumed by the hub.
 */
import type { DiscoveryConfig } from './discovery.ts';

export type TransportKind = 'stdio' | 'http' | 'sse';

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
  };
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
  /** What each client is served (full list or discovery meta-tools); absent: everyone gets the full list. */
  discovery?: DiscoveryConfig;
  /** Absolute path of the file this came from, or `<builtin demo>`. */
  file: string;
  /** Which family of file it was read as. */
  format: 'toolmesh' | 'mcpServers' | 'vscode';
  /** Non-fatal notes for the user (ignored foreign keys and the like). */
  warnings: string[];
}

export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 7420 } as const;
export const DEFAULT_TIMEOUTS = { startupMs: 30_000, callMs: 60_000 } as const;
