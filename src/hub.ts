import { EventEmitter } from 'node:events';
import type {
  LoggingLevel,
  LoggingMessageNotificationParams,
  ServerCapabilities,
} from '@modelcontextprotocol/client';
import type { Registry } from 'prom-client';
import { type Catalog, type CatalogSource, EMPTY_CATALOG, resourceOwner } from './catalog/catalog.ts';
import { CatalogKeeper } from './catalog/keeper.ts';
import { ListChanges } from './catalog/list-changes.ts';
import type { DiscoveryConfig } from './config/discovery.ts';
import type { CatalogConfig, HubConfig, ServerConfig } from './config/model.ts';
import { LOCAL_TOOLS_CATALOG } from './config/model.ts';
import { HubError } from './errors.ts';
import { openStore } from './hub-store.ts';
import { type Logger, silentLogger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import { type CallFn, compose, type Interceptor } from './pipeline/call.ts';
import { createDispatch, type RoutedServer } from './pipeline/dispatch.ts';
import { type LocalToolSource, routedLocalSource } from './pipeline/local-tools.ts';
import { fallbackInterceptor } from './resilience/fallback.ts';
import { LogicalServer, type ServerStatus } from './routing/logical-server.ts';
import { registerReplicaGauges } from './routing/replica-metrics.ts';
import type { Store } from './store/store.ts';
import { EMPTY_LISTS, type ListKind } from './upstream/lists.ts';
import type { ServedWorkflows } from './workflows/served.ts';

export type { ServerStatus } from './routing/logical-server.ts';

export interface HubOptions {
  logger?: Logger;
  /** Wrap the call path (outermost first). */
  interceptors?: readonly Interceptor[];
  /** The state store; default: the SQLite file at `config.store.path` (in memory without one). */
  store?: Store;
}

/** The optional server features the hub serves when, and only when, an upstream has them. */
export interface OptionalFeatures {
  completions: boolean;
  logging: boolean;
  /** `resources/subscribe` (2025 era). */
  subscribe: boolean;
}

/**
 * The hub as a library: it owns the upstreams, keeps the merged catalog current and sends calls through
 * the pipeline. Serving faces (stdio, HTTP) and the CLI sit on top of it. Events: `catalog` (the kinds
 * that changed), `server` (an upstream changed state).
 */
export class Hub extends EventEmitter<{
  catalog: [ListKind[]];
  server: [ServerStatus];
  /** A log message from a server that no call in flight can be named for. */
  log: [LoggingMessageNotificationParams];
  /** A subscribed resource changed (its URI as listed). */
  resourceUpdated: [string];
}> {
  readonly config: HubConfig;
  readonly logger: Logger;
  /** This hub's Prometheus metrics, served at `/metrics`. */
  readonly metrics: Registry = createMetricsRegistry();
  /** What each client is served: the config's `discovery`, until `setDiscovery` replaces it. */
  discovery: DiscoveryConfig | undefined;
  /** Sends a routed call (`tools/call`, `prompts/get`, `resources/read`) through the pipeline. */
  readonly call: CallFn;
  readonly #upstreams = new Map<string, LogicalServer>();
  /** Tools the hub answers itself (workflows, composites), by source name. */
  readonly #local = new Map<string, { source: LocalToolSource; routed: RoutedServer }>();
  #catalog: Catalog = EMPTY_CATALOG;
  /** Lists changed during start-up and the catalog has not been rebuilt since (see `#listsChanged`). */
  #stale = false;
  /** Tells clients (`catalog` events) what changed once start-up has settled. */
  readonly #changes = new ListChanges(
    () => this.catalog,
    (kinds) => this.emit('catalog', kinds),
  );
  #started = false;
  #stopping = false;
  readonly #reportedConflicts = new Set<string>();
  #whenStarted: Promise<void> | undefined;
  /** Pins, remembered names and the store behind them (`toolmesh pins`, `/api/v1/pins`). */
  readonly keeper: CatalogKeeper;
  /** The workflows this hub serves and runs, once `attachOrchestration` (orchestrate.ts) added them. */
  workflows: ServedWorkflows | undefined;

  constructor(config: HubConfig, options: HubOptions = {}) {
    super();
    this.config = config;
    this.logger = options.logger ?? silentLogger();
    this.keeper = new CatalogKeeper({
      catalog: config.catalog,
      store: options.store ?? openStore(config, this.logger),
      logger: this.logger,
      metrics: this.metrics,
      onChange: () => this.#listsChanged(['tools']),
    });
    this.discovery = config.discovery;
    for (const server of config.servers) this.#attach(server);
    const dispatch = createDispatch({
      catalog: () => this.catalog,
      upstream: (name) => this.#upstreams.get(name) ?? this.#local.get(name)?.routed,
    });
    const fallback = fallbackInterceptor({
      catalog: () => this.catalog,
      fallbacks: (name) => this.#upstreams.get(name)?.config.resilience?.fallbacks,
    });
    this.call = compose([...(options.interceptors ?? []), fallback], dispatch);
    registerReplicaGauges(this.metrics, () => this.#upstreams.values());
  }

  /** The current merged catalog (an immutable snapshot). */
  get catalog(): Catalog {
    if (this.#stale) this.#rebuild();
    return this.#catalog;
  }

  /** True once every enabled server has settled its first start attempt. */
  get started(): boolean {
    return this.#started;
  }

  /** Starts every server in parallel; resolves when each has settled its first attempt. Never rejects. */
  start(): Promise<void> {
    this.#whenStarted ??= Promise.all([...this.#upstreams.values()].map((upstream) => upstream.start())).then(
      () => {
        // Changes made during start-up are part of this first catalog: nobody needs telling about them.
        this.#rebuild();
        this.#changes.baseline(this.#catalog);
        this.#started = true;
        this.keeper.remember(this.#catalog, this.#sources());
        this.#reportConflicts();
        this.keeper.watch();
      },
    );
    return this.#whenStarted;
  }

  /**
   * Resolves once start-up has settled, so a list request that arrives while servers are still starting
   * gets the full catalog rather than a partial one. Resolves at once if `start()` was never called.
   */
  whenStarted(): Promise<void> {
    return this.#whenStarted ?? Promise.resolve();
  }

  /** Stops every server and its processes. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#changes.stop();
    await Promise.all([...this.#upstreams.values()].map((upstream) => upstream.stop()));
    this.keeper.close();
  }

  /** Which optional features at least one server has (declared at its last handshake). */
  features(): OptionalFeatures {
    const has = (test: (capabilities: ServerCapabilities) => unknown) =>
      [...this.#upstreams.values()].some(
        (upstream) => upstream.state !== 'disabled' && test(upstream.capabilities),
      );
    return {
      completions: has((capabilities) => capabilities.completions),
      logging: has((capabilities) => capabilities.logging),
      subscribe: has((capabilities) => capabilities.resources?.subscribe),
    };
  }

  /** Asks every server that logs for messages at `level` and above (the hub filters per client). */
  setLogLevel(level: LoggingLevel): void {
    for (const upstream of this.#upstreams.values()) upstream.setLogLevel(level);
  }

  /**
   * Subscribes to (or, with `on: false`, unsubscribes from) updates of a resource at the server that owns
   * it. Reference counting across clients is the caller's job.
   * @throws HubError `UNKNOWN_RESOURCE`, or what the server answered.
   */
  async subscribe(uri: string, on: boolean): Promise<void> {
    const owner = resourceOwner(this.catalog, uri);
    const upstream = owner === undefined ? undefined : this.#upstreams.get(owner);
    if (!upstream) {
      throw new HubError('UNKNOWN_RESOURCE', `no server offers resource ${uri.slice(0, 128)}`, {
        data: { uri: uri.slice(0, 128) },
      });
    }
    await upstream.subscribe(uri, on);
  }

  /** The logical server called `name` (its replicas, router and status), if configured. */
  server(name: string): LogicalServer | undefined {
    return this.#upstreams.get(name);
  }

  servers(): ServerStatus[] {
    return [...this.#upstreams.values()].map((upstream) => upstream.status());
  }

  /**
   * Serves the tools of `source` (workflows, composites) from now on, listed after the servers' tools;
   * a source of the same name is replaced (calls in flight on it finish there).
   * @throws HubError `INVALID_REQUEST` when a server has its name.
   */
  setLocalTools(source: LocalToolSource): void {
    if (this.#upstreams.has(source.name)) {
      throw new HubError('INVALID_REQUEST', `"${source.name}" is already the name of a server`);
    }
    this.#local.set(source.name, { source, routed: routedLocalSource(source) });
    this.#listsChanged(['tools']);
  }

  /** Stops serving the local source `name`, if there is one. */
  removeLocalTools(name: string): void {
    if (this.#local.delete(name)) this.#listsChanged(['tools']);
  }

  /** Re-reads the tools of the local source `name` (after its owner changed them) and tells clients. */
  localToolsChanged(name: string): void {
    if (this.#local.has(name)) this.#listsChanged(['tools']);
  }

  /** The config a server runs with now (changed by the methods below), or undefined for an unknown name. */
  serverConfig(name: string): ServerConfig | undefined {
    return this.#upstreams.get(name)?.config;
  }

  /**
   * Adds a server at run time and starts it (unless disabled, or the hub was never started). Resolves once
   * its first start attempt settled; clients hear of its tools through `catalog` when it lists them.
   * @throws HubError `INVALID_REQUEST` when a server of that name exists.
   */
  async addServer(config: ServerConfig): Promise<void> {
    if (this.#upstreams.has(config.name) || this.#local.has(config.name)) {
      throw new HubError('INVALID_REQUEST', `server "${config.name}" already exists`, {
        server: config.name,
      });
    }
    await this.#startIfRunning(this.#attach(config));
  }

  /**
   * Stops a server and drops it and its tools from the catalog; clients are told the lists changed.
   * @throws HubError `INVALID_REQUEST` for an unknown name.
   */
  async removeServer(name: string): Promise<void> {
    const upstream = this.#known(name);
    this.#upstreams.delete(name);
    await this.#detach(upstream);
  }

  /**
   * Replaces a server's config: its upstream is stopped and a new one started in the same place (config
   * order decides name collisions). Enable, disable and restart are replacements too. Other servers are
   * not touched. @throws HubError `INVALID_REQUEST` for an unknown name.
   */
  async replaceServer(config: ServerConfig): Promise<void> {
    await this.#replace(config, false);
  }

  /**
   * Stops and starts a server again with the same config (also a `failed` one). Its tools stay in the
   * catalog meanwhile, as for a crash: nobody is told they went away, and a call gets
   * `UPSTREAM_UNAVAILABLE` (retryable) rather than `UNKNOWN_TOOL` until the new process is ready.
   */
  async restartServer(name: string): Promise<void> {
    const config = this.#known(name).config;
    if (!config.enabled) {
      throw new HubError('INVALID_REQUEST', `server "${name}" is disabled: enable it instead`, {
        server: name,
      });
    }
    await this.#replace(config, true);
  }

  /** Enables (starts) or disables (stops, keeping it configured) a server; a no-op when already so. */
  async setServerEnabled(name: string, enabled: boolean): Promise<void> {
    const config = this.#known(name).config;
    if (config.enabled !== enabled) await this.replaceServer({ ...config, enabled });
  }

  async #replace(config: ServerConfig, keepLists: boolean): Promise<void> {
    const old = this.#known(config.name);
    const upstream = this.#attach(config); // Map.set on an existing key keeps its position
    if (keepLists) upstream.keepListsOf(old);
    await this.#detach(old, !keepLists);
    await this.#startIfRunning(upstream);
  }

  /**
   * Replaces the top-level `catalog` section (hot reload): the catalog is rebuilt with the new conflict
   * rules and clients are told every list changed. No server restarts.
   */
  setCatalogConfig(catalog: CatalogConfig | undefined): void {
    this.keeper.reconfigure(catalog);
    this.#listsChanged(['tools', 'prompts', 'resources']);
  }

  /** Replaces the discovery rules (hot reload); clients are told the tool list changed, as theirs may have. */
  setDiscovery(discovery: DiscoveryConfig | undefined): void {
    this.discovery = discovery;
    this.#listsChanged(['tools'], 'always');
  }

  #known(name: string): LogicalServer {
    const upstream = this.#upstreams.get(name);
    if (!upstream) throw new HubError('INVALID_REQUEST', `no server "${name}"`, { server: name });
    return upstream;
  }

  #attach(config: ServerConfig): LogicalServer {
    const upstream = new LogicalServer(config, this.logger, this.metrics);
    upstream.on('lists', (kinds) => this.#listsChanged(kinds));
    upstream.on('state', () => this.emit('server', upstream.status()));
    upstream.on('log', (params) => this.emit('log', params));
    upstream.on('resourceUpdated', (uri) => this.emit('resourceUpdated', uri));
    this.#upstreams.set(config.name, upstream);
    return upstream;
  }

  /** Stops an upstream already taken out of (or replaced in) the map and announces its lists are gone. */
  async #detach(upstream: LogicalServer, announce = true): Promise<void> {
    await upstream.stop();
    upstream.removeAllListeners();
    if (announce) this.#listsChanged(['tools', 'prompts', 'resources']);
  }

  /**
   * Before `start()` the upstream waits for it; after, it starts now. Not when a concurrent change already
   * replaced or removed it, or the hub is stopping: its process would run outside the map, never stopped.
   */
  async #startIfRunning(upstream: LogicalServer): Promise<void> {
    if (!this.#whenStarted || this.#stopping || this.#upstreams.get(upstream.name) !== upstream) return;
    await upstream.start();
  }

  /** `announce`: `always` tells clients even when the lists are as they were (see `ListChanges`). */
  #listsChanged(kinds: ListKind[], announce: 'if-changed' | 'always' = 'if-changed'): void {
    // Once started, the catalog is rebuilt at once, so a call right after a server (re)connects finds its
    // tools, and a changed pin is reported when it happens. During start-up it is rebuilt when next read
    // (or when start-up settles): each rebuild merges every server's lists, so rebuilding as each of N
    // servers gets ready would cost N rebuilds of up to N servers' tools. Before start-up settles nobody
    // has been served a list yet, so there is nothing to announce.
    if (!this.#started) {
      this.#stale = true;
      return;
    }
    this.#rebuild();
    this.#changes.noted(kinds, announce);
  }

  #sources(): CatalogSource[] {
    const servers = [...this.#upstreams.values()].map((upstream) => ({
      name: upstream.name,
      prefix: upstream.config.prefix,
      lists: upstream.lists,
      catalog: upstream.config.catalog,
      version: upstream.serverVersion,
    }));
    const local = [...this.#local.values()].map(({ source }) => ({
      name: source.name,
      prefix: false,
      catalog: LOCAL_TOOLS_CATALOG,
      lists: { ...EMPTY_LISTS, tools: source.tools() },
    }));
    return [...servers, ...local];
  }

  #rebuild(): void {
    this.#stale = false;
    const sources = this.#sources();
    this.#catalog = this.keeper.build(sources);
    if (!this.#started) return;
    this.keeper.remember(this.#catalog, sources);
    this.#reportConflicts();
  }

  // Each collision once, and not during start-up, where each server getting ready joins the same collision
  // (20 servers: 19 warnings, each one entry longer), but once the first catalog is complete.
  #reportConflicts(): void {
    for (const conflict of this.#catalog.conflicts) {
      const key = `${conflict.kind}\0${conflict.name}\0${conflict.entries.map((e) => e.served).join()}`;
      if (this.#reportedConflicts.has(key)) continue; // say it once, not on every rebuild
      this.#reportedConflicts.add(key);
      this.logger.warn(conflict, `name collision: ${conflict.reason}`);
    }
  }
}
