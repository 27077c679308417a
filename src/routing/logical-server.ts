import { EventEmitter } from 'node:events';
import type {
  LoggingLevel,
  LoggingMessageNotificationParams,
  Result,
  ServerCapabilities,
} from '@modelcontextprotocol/client';
import type { Registry } from 'prom-client';
import { replicaConfigs, type ServerConfig, type TransportKind } from '../config/model.ts';
import { DEFAULT_RESILIENCE, type ResilienceConfig } from '../config/resilience.ts';
import { HubError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { startHealthChecks } from '../resilience/health-check.ts';
import { ServerLimits } from '../resilience/limits.ts';
import { isSafeToReplay, retryPolicies } from '../resilience/retry.ts';
import { RetryBudget } from '../resilience/retry-budget.ts';
import { markUnsent, upstreamError } from '../upstream/errors.ts';
import type { ListKind, UpstreamLists } from '../upstream/lists.ts';
import type { UpstreamRequestOptions, UpstreamState } from '../upstream/upstream.ts';
import { toolsMismatch } from './mismatch.ts';
import { Replica, type ReplicaStatus } from './replica.ts';
import { Router } from './router.ts';

/** One server as shown by `toolmesh servers`, `/readyz` and the admin API. */
export interface ServerStatus {
  name: string;
  state: UpstreamState;
  transport: TransportKind;
  tools: number;
  prompts: number;
  resources: number;
  pid?: number;
  protocolVersion?: string;
  restarts: number;
  lastError?: string;
  stderrTail: string[];
  /** The routing strategy in use. */
  strategy: string;
  /** Every replica (one for a server without `replicas:`). */
  replicas: ReplicaStatus[];
}

/** A routed request: the upstream options plus who is calling (affinity and per-client limits). */
export interface RouteOptions extends Omit<UpstreamRequestOptions, 'failFast'> {
  /** The calling client's identity (session or key), if known. */
  client?: string;
}

/**
 * One logical server: its replicas (a server without `replicas:` has one), one catalog entry listed from
 * its first replica that listed, and the call path limits → retry → router → breaker → upstream. It
 * shows the hub the surface of a single upstream (`state`, `lists`, `request`, events `lists`, `state`,
 * `log`, `resourceUpdated`), so adding a server is one object whatever its replicas.
 */
export class LogicalServer extends EventEmitter<{
  state: [UpstreamState];
  lists: [ListKind[]];
  log: [LoggingMessageNotificationParams];
  resourceUpdated: [string];
}> {
  readonly config: ServerConfig;
  readonly replicas: readonly Replica[];
  readonly router: Router;
  readonly #resilience: ResilienceConfig;
  readonly #retry: ReturnType<typeof retryPolicies>;
  readonly #budget: RetryBudget;
  readonly #limits: ServerLimits;
  readonly #logger: Logger;
  #stopChecks: () => void = () => {};

  constructor(config: ServerConfig, logger: Logger, metrics?: Registry) {
    super();
    this.config = config;
    this.#logger = logger.child({ server: config.name });
    this.#resilience = config.resilience ?? DEFAULT_RESILIENCE;
    this.router = new Router(config.name, this.#resilience.routing.strategy, metrics);
    this.#limits = new ServerLimits(config.name, this.#resilience.limits);
    this.replicas = replicaConfigs(config).map((replicaConfig, index) => {
      const weight = config.replicas?.[index]?.weight ?? 1;
      const replica = new Replica(replicaConfig, index, weight, this.#resilience, logger);
      replica.upstream.on('lists', (kinds) => this.#listed(replica, kinds));
      replica.upstream.on('state', () => this.emit('state', this.state));
      replica.upstream.on('log', (params) => this.emit('log', params));
      replica.upstream.on('resourceUpdated', (uri) => this.emit('resourceUpdated', uri));
      return replica;
    });
    const { budgetPercent, minPerSecond } = this.#resilience.retry;
    this.#budget = new RetryBudget(budgetPercent, minPerSecond);
    this.#retry = retryPolicies(this.#resilience.retry, this.replicas.length > 1, this.#budget);
  }

  get name(): string {
    return this.config.name;
  }

  /** The replica whose lists are the server's: the first (in config order) that has listed. */
  get #reference(): Replica {
    return this.replicas.find((replica) => replica.listed) ?? (this.replicas[0] as Replica);
  }

  get lists(): UpstreamLists {
    return this.#reference.upstream.lists;
  }

  /**
   * Takes over the last known lists of the server this one replaces (a restart through the admin API), so
   * its tools stay listed until a replica lists again; calls meanwhile get a retryable
   * `UPSTREAM_UNAVAILABLE` rather than `UNKNOWN_TOOL`.
   */
  keepListsOf(previous: LogicalServer): void {
    const first = this.replicas[0];
    if (first) first.upstream.lists = previous.lists;
  }

  /** The `serverInfo.version` the reference replica reported (the `version` conflict strategy reads it). */
  get serverVersion(): string | undefined {
    return this.#reference.upstream.serverVersion;
  }

  get capabilities(): ServerCapabilities {
    return this.#reference.upstream.capabilities;
  }

  /** Ready when one usable replica is; else the most hopeful state among them. */
  get state(): UpstreamState {
    const states = this.replicas.filter((replica) => !replica.mismatch).map((r) => r.upstream.state);
    for (const state of ['ready', 'starting', 'restarting', 'failed', 'stopped'] as const) {
      if (states.includes(state)) return state;
    }
    return this.replicas.every((replica) => replica.upstream.state === 'disabled') ? 'disabled' : 'failed';
  }

  #listed(replica: Replica, kinds: ListKind[]): void {
    const before = this.#reference;
    replica.listed = true;
    const reference = this.#reference;
    for (const other of this.replicas) {
      if (!other.listed || other === reference) {
        other.mismatch = undefined;
        continue;
      }
      const mismatch = toolsMismatch(reference.upstream.lists.tools, other.upstream.lists.tools);
      if (mismatch && mismatch !== other.mismatch) {
        this.#logger.warn({ replica: other.id, mismatch }, 'replica not used: its tools differ');
      }
      other.mismatch = mismatch;
    }
    if (replica === reference || before !== reference) this.emit('lists', kinds);
  }

  /** Starts every replica (and the active health checks); resolves once each settled its first attempt. */
  async start(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.upstream.start()));
    this.#stopChecks = startHealthChecks(this.replicas, this.#resilience.health);
  }

  /** Stops the health checks and every replica. */
  async stop(): Promise<void> {
    this.#stopChecks();
    await Promise.all(this.replicas.map((replica) => replica.upstream.stop()));
  }

  setLogLevel(level: LoggingLevel): void {
    for (const replica of this.replicas) replica.upstream.setLogLevel(level);
  }

  /** Subscribes on every replica (kept for those that reconnect); fails only when none could. */
  async subscribe(uri: string, on: boolean): Promise<void> {
    const results = await Promise.allSettled(this.replicas.map((r) => r.upstream.subscribe(uri, on)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure && results.every((result) => result.status === 'rejected')) throw failure.reason;
  }

  /**
   * Sends one request through this server's limits, retries, router and the chosen replica's breaker.
   * @throws HubError `RATE_LIMITED`, `OVERLOADED`, `NO_HEALTHY_REPLICA`, `CIRCUIT_OPEN`, `CANCELLED`, or
   *   the upstream's error (`UPSTREAM_UNAVAILABLE`, `UPSTREAM_TIMEOUT`, `UPSTREAM_ERROR`).
   */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: RouteOptions = {},
  ): Promise<Result> {
    const admitting = this.#limits.admit(options.client);
    if (admitting) await admitting;
    return this.#limits.run(() => this.#routed(method, params, options), options.signal);
  }

  async #routed(method: string, params: Record<string, unknown>, options: RouteOptions): Promise<Result> {
    this.#budget.request();
    const replayable = isSafeToReplay(method, params.name, this.#resilience, this.lists.tools);
    const policy = replayable ? this.#retry.replayable : this.#retry.once;
    const context = { key: this.#affinityKey(params, options.client) };
    const tried = new Set<string>();
    const single = this.replicas.length === 1;
    const timeoutMs =
      method === 'tools/call' ? this.#resilience.toolTimeouts.get(String(params.name)) : undefined;
    try {
      return await policy.execute(() => {
        // A lone replica gets every call, even when it cannot take it: it then answers why (failed, open).
        const replica =
          this.router.pick(this.replicas, context, tried) ?? (single ? this.replicas[0] : undefined);
        if (!replica) throw this.#noHealthyReplica();
        tried.add(replica.id);
        // With other replicas to go to, a replica that is restarting or lost its connection fails fast.
        const upstreamOptions = { ...options, failFast: !single, timeoutMs };
        return this.router.run(replica, () =>
          replica.send(this.name, options.signal, (upstream) =>
            upstream.request(method, params, upstreamOptions),
          ),
        );
      }, options.signal);
    } catch (error) {
      throw upstreamError(error, this.name);
    }
  }

  #affinityKey(params: Record<string, unknown>, client: string | undefined): string | undefined {
    const argument = this.#resilience.routing.affinityKey;
    const value = argument && (params.arguments as Record<string, unknown> | undefined)?.[argument];
    return value === undefined || value === null || value === '' ? client : String(value);
  }

  #noHealthyReplica(): HubError {
    const hopeful = this.replicas.some(
      (replica) => !replica.mismatch && !['failed', 'disabled', 'stopped'].includes(replica.upstream.state),
    );
    const states = this.replicas.map(
      (replica) => `${replica.id} ${replica.status().state}/${replica.breaker.state}`,
    );
    const error = new HubError(
      'NO_HEALTHY_REPLICA',
      `server "${this.name}" has no healthy replica (${states.join(', ')})`,
      {
        server: this.name,
        retryable: hopeful,
      },
    );
    return markUnsent(error);
  }

  status(): ServerStatus {
    const reference = this.#reference.upstream;
    const lists = this.lists;
    return {
      name: this.name,
      state: this.state,
      transport: this.config.transport,
      tools: lists.tools.length,
      prompts: lists.prompts.length,
      resources: lists.resources.length + lists.resourceTemplates.length,
      pid: reference.pid,
      protocolVersion: reference.protocolVersion,
      restarts: this.replicas.reduce((sum, replica) => sum + replica.upstream.restarts, 0),
      lastError: reference.lastError ?? this.replicas.find((r) => r.upstream.lastError)?.upstream.lastError,
      stderrTail: reference.stderrTail,
      strategy: this.router.strategy,
      replicas: this.replicas.map((replica) => replica.status()),
    };
  }
}
