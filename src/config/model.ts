/**
 * The one validated config model every config form becomes (toolmesh.yaml/json, Claude Desktop, Cursor,
 * VS Code, Claude Code files, CLI flags). Produced by `loadConfig()`; consumed by the hub.
 */
import type { DiscoveryConfig } from './discovery.ts';

import type { CompositeConfig } from './orchestration.ts';
import type { ResilienceConfig } from './resilience.ts';

export type TransportKind = 'stdio' | 'http' | 'sse';

/** What `protocol:` may say: which MCP revision to speak to a server (see `ServerConfig.protocol`). */
export const UPSTREAM_PROTOCOLS = ['auto', '2025-11-25', '2026-07-28'] as const;
export type UpstreamProtocol = (typeof UPSTREAM_PROTOCOLS)[number];

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
  /** How this server's tools, prompts and resources enter the merged catalog. */
  catalog: ServerCatalogConfig;
  /**
   * The revision to speak; absent means `auto` (probe with `server/discover`, else the 2025 handshake).
   * `2025-11-25` skips the probe (the initialize handshake only); `2026-07-28` requires that revision.
   */
  protocol?: UpstreamProtocol;
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
  /** Capacity units workflow steps may hold on this server at once; absent: unlimited. */
  capacity?: number;
  /**
   * Set when this entry could not be made usable (for example an unset `${VAR}`): the hub marks the
   * server `failed` with this message and starts the others. `validate` reports it as an error.
   */
  problem?: string;
  /** Where the entry came from, for messages and the dashboard. */
  source: { file: string; line?: number };
}

/** Where and for whom the HTTP face listens. */
export interface ListenConfig {
  host: string;
  port: number;
  /** Extra names accepted in Host and Origin, besides loopback names and `host`. */
  allowedHosts: readonly string[];
}

export interface HubConfig {
  /** Servers in file order. */
  servers: ServerConfig[];
  listen: ListenConfig;
  /** What each client is served (full list or discovery meta-tools); absent: everyone gets the full list. */
  discovery?: DiscoveryConfig;
  /** Absolute path of the file this came from, or `<builtin demo>`. */
  file: string;
  /** Which family of file it was read as. */
  format: 'toolmesh' | 'mcpServers' | 'vscode';
  /** Non-fatal notes for the user (ignored foreign keys and the like). */
  warnings: string[];
  /** Conflict resolution settings (defaults: `DEFAULT_CATALOG`). */
  catalog?: CatalogConfig;
  /** Where state is kept; absent: in memory only (tests, embedding). `loadConfig` always sets it. */
  store?: StoreConfig;
  /** Workflow files served as tools: absolute paths or globs. */
  workflows?: string[];
  /** Fan-out tools, in file order. */
  composites?: CompositeConfig[];
}

/** How colliding names are resolved; see docs/conflicts.md. */
export type ConflictStrategyName = 'prefix' | 'conditional' | 'priority' | 'version';
/** What a changed tool definition does: `warn` (served, logged), `block` (withheld until approved), `off`. */
export type PinningPolicy = 'warn' | 'block' | 'off';

/** Allow/deny globs (picomatch); an empty `allow` allows everything; `deny` wins. */
export interface NameFilter {
  allow: string[];
  deny: string[];
}

/** Per-tool changes to what clients see. `name` is the served name exactly (never prefixed). */
export interface ToolOverride {
  name?: string;
  title?: string;
  description?: string;
}

/** Per-server catalog shaping. */
export interface ServerCatalogConfig {
  /** This server's conflict strategy; absent: the global `catalog.conflicts`. */
  conflicts?: ConflictStrategyName;
  /** false: the server is not trusted, and pinning defaults to `block`. */
  trusted: boolean;
  pinning: PinningPolicy;
  tools: NameFilter;
  prompts: NameFilter;
  /** Over resource URIs and resource template strings. */
  resources: NameFilter;
  /** By the server's own tool name. */
  overrides: ReadonlyMap<string, ToolOverride>;
}

/** The top-level `catalog` section. */
export interface CatalogConfig {
  conflicts: ConflictStrategyName;
  /** Server names, most preferred first (`priority` strategy). */
  priority: string[];
  /** Explicit pins: a contested name (or URI) → the server that keeps it. */
  owners: ReadonlyMap<string, string>;
}

/** The top-level `store` section. `:memory:` keeps nothing across restarts. */
export interface StoreConfig {
  /** Absolute path of the SQLite file, or `:memory:`. */
  path: string;
}

export const DEFAULT_CATALOG: CatalogConfig = { conflicts: 'prefix', priority: [], owners: new Map() };
export const DEFAULT_SERVER_CATALOG: ServerCatalogConfig = {
  trusted: true,
  pinning: 'warn',
  tools: { allow: [], deny: [] },
  prompts: { allow: [], deny: [] },
  resources: { allow: [], deny: [] },
  overrides: new Map(),
};

/**
 * The catalog settings of the hub's own tools (composites, workflows). They come from the user's config,
 * which is the approval: pinning guards against a server changing its tools behind the user's back, so for
 * them it is off (before, each edit of a composite was logged as a changed tool).
 */
export const LOCAL_TOOLS_CATALOG: ServerCatalogConfig = { ...DEFAULT_SERVER_CATALOG, pinning: 'off' };

export const DEFAULT_LISTEN: Readonly<ListenConfig> = { host: '127.0.0.1', port: 7420, allowedHosts: [] };
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
