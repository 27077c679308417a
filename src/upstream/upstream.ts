import { EventEmitter } from 'node:events';
import {
  type Client,
  type LoggingLevel,
  type LoggingMessageNotificationParams,
  type ProgressCallback,
  type Result,
  SdkError,
  SdkErrorCode,
  type ServerCapabilities,
  SseError,
} from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/model.ts';
import { describeError, HubError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { CallOrigin } from '../pipeline/call.ts';
import { MAX_RESULT_DEPTH, nestedDeeperThan } from '../protocol/depth.ts';
import { CallerRelay } from './caller-relay.ts';
import { CLIENT_CAPABILITIES, CLIENT_INFO, createClient, createTransport } from './connect.ts';
import { DirectRequests } from './direct-requests.ts';
import {
  isConnectionLoss,
  isPermanentStartError,
  isSessionLost,
  isTooManyRequests,
  markUnsent,
  rateLimited,
  upstreamError,
} from './errors.ts';
import { describeStartFailure, redactUrl } from './failure-message.ts';
import { EMPTY_LISTS, fetchLists, type ListKind, refreshList, type UpstreamLists } from './lists.ts';
import { describeExit, LostConnection, lostConnection } from './lost-connection.ts';
import { PASSTHROUGH } from './passthrough.ts';
import { MODERN_ERA, mirroredParamHeaders, withCallerEnvelope } from './request-envelope.ts';
import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy.ts';
import { settled } from './settled.ts';
import { StandingRequests } from './standing-requests.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

export type UpstreamState = 'disabled' | 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

export interface UpstreamRequestOptions {
  signal?: AbortSignal;
  /** Called for each progress notification the upstream sends for this request. */
  onprogress?: ProgressCallback;
  /** The downstream client the request is for: its capabilities, and where input requests and logs go. */
  origin?: CallOrigin;
  /**
   * Neither wait for a restart nor send again after a lost connection: fail at once (the error marked
   * `wasNeverSent` when the server cannot have seen it). Set when other replicas can take the request.
   */
  failFast?: boolean;
  /** Time allowed for this request in ms, instead of `timeouts.callMs` (a per-tool timeout). */
  timeoutMs?: number;
}

/** How long a call waits for a server that is restarting after having been ready (self-healing). */
const READY_WAIT_MS = 10_000;

/**
 * One configured upstream server: its connection, its listed tools/resources/prompts, and the supervisor
 * that restarts it with backoff. Events: `state` (new state), `lists` (kinds whose list changed), `log`
 * (a log message no call can be named for), `resourceUpdated` (a subscribed resource changed).
 */
export class Upstream extends EventEmitter<{
  state: [UpstreamState];
  lists: [ListKind[]];
  log: [LoggingMessageNotificationParams];
  resourceUpdated: [string];
}> {
  readonly config: ServerConfig;
  state: UpstreamState;
  lists: UpstreamLists = EMPTY_LISTS;
  lastError: string | undefined;
  restarts = 0;
  pid: number | undefined;
  protocolVersion: string | undefined;
  /** `serverInfo.version` from the last handshake (the `version` conflict strategy compares it). */
  serverVersion: string | undefined;
  /** What the server declared at its last handshake (kept while it restarts). */
  capabilities: ServerCapabilities = {};
  /** Routes what the server sends besides responses to the caller it belongs to. */
  readonly #relay: CallerRelay;
  #everReady = false;
  /** The log level and subscriptions, sent again after every reconnect. */
  readonly #standing: StandingRequests;
  readonly #logger: Logger;
  readonly #policy: RestartPolicy;
  #client: Client | undefined;
  #transport: ChildStdioTransport | undefined;
  /** A stdio server's requests, sent beside the SDK client (`DirectRequests`); none over HTTP. */
  #direct: DirectRequests | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Set when the era probe itself broke the server: later attempts use the plain 2025 handshake. */
  #legacyOnly = false;
  /** The `Retry-After` of the server's latest 429 (HTTP servers), passed on with the error it caused. */
  #retryAfterMs: number | undefined;
  #firstSettle: Promise<void>;
  #settleFirst: () => void = () => {};

  constructor(config: ServerConfig, logger: Logger) {
    super();
    this.config = config;
    this.#logger = logger.child({ server: config.name });
    this.#standing = new StandingRequests(
      {
        client: () => this.#client,
        capabilities: () => this.capabilities,
        protocolVersion: () => this.protocolVersion,
        request: (method, params) => this.request(method, params),
      },
      this.#logger,
    );
    this.#relay = new CallerRelay(config.name, this.#logger, {
      log: (params) => this.emit('log', params),
      resourceUpdated: (uri) => this.emit('resourceUpdated', uri),
    });
    // A local command that cannot start will not start on the next try either; a remote server that is
    // down when the hub boots (deploy order, a laptop waking up) usually comes up later: keep trying it.
    const remote = config.transport !== 'stdio';
    this.#policy = new RestartPolicy({
      ...DEFAULT_RESTART_POLICY,
      maxStartFailures: remote ? Number.POSITIVE_INFINITY : DEFAULT_RESTART_POLICY.maxStartFailures,
    });
    this.state = config.enabled ? 'starting' : 'disabled';
    this.#firstSettle = new Promise((resolve) => {
      this.#settleFirst = resolve;
    });
  }

  get name(): string {
    return this.config.name;
  }

  /** Last lines the server wrote to stderr (stdio servers only). */
  get stderrTail(): string[] {
    return this.#transport?.stderr.lastLines(20) ?? [];
  }

  /** Starts connecting; resolves once the first attempt settled (ready, failed or retrying). Never rejects. */
  start(): Promise<void> {
    if (this.state === 'disabled') return Promise.resolve();
    if (this.config.problem) {
      this.#fail(this.config.problem);
      return Promise.resolve();
    }
    void this.#attempt();
    return this.#firstSettle;
  }

  async #attempt(): Promise<void> {
    this.#setState(this.restarts === 0 ? 'starting' : 'restarting');
    const client = createClient(this.config, this.#legacyOnly, (kind) => this.#onListChanged(kind));
    const transport = createTransport(this.config, {
      // A request the SDK sends on its own that finds the server gone ends this connection (ignored unless
      // `client` is the live one).
      unreachable: () => this.#onConnectionLost(client),
      rateLimited: (retryAfterMs) => {
        this.#retryAfterMs = retryAfterMs;
      },
    });
    this.#transport = transport instanceof ChildStdioTransport ? transport : undefined;
    this.#relay.wire(client);
    try {
      // One deadline for the whole start: spawn, handshake and the first listing.
      const deadline = AbortSignal.timeout(this.config.timeouts.startupMs);
      await this.#transport?.start();
      await client.connect(transport, { signal: deadline, timeout: this.config.timeouts.startupMs });
      this.lists = await fetchLists(client, deadline);
    } catch (error) {
      await client.close().catch(() => {});
      if (this.state === 'stopped') return;
      // Some 2025-era stdio servers exit on any request before `initialize`, such as the `server/discover`
      // probe. (Over HTTP a legacy server answers the probe with an error and the SDK falls back itself.)
      const probeKilledIt = error instanceof SdkError && error.code === SdkErrorCode.EraNegotiationFailed;
      const exited = this.#transport !== undefined && this.#transport.exitCode !== null;
      if (probeKilledIt && exited) this.#legacyOnly = true;
      const message = describeStartFailure(this.config, error, this.#transport);
      this.#logger.warn({ err: redactUrl(describeError(error), this.config.url) }, 'start failed');
      this.#retryOrFail(message, this.#policy.onStartFailure(isPermanentStartError(error, this.config)));
      return;
    }
    if (this.state === 'stopped') {
      await client.close().catch(() => {});
      return;
    }
    this.#client = client;
    this.pid = this.#transport?.pid;
    this.protocolVersion = client.getNegotiatedProtocolVersion();
    this.serverVersion = client.getServerVersion()?.version;
    this.capabilities = client.getServerCapabilities() ?? {};
    const info = { info: CLIENT_INFO, capabilities: CLIENT_CAPABILITIES };
    this.#direct = this.#transport && new DirectRequests(this.#transport, this.protocolVersion, info);
    if (this.#transport) this.#transport.direct = this.#direct;
    this.#everReady = true;
    client.onclose = () => this.#onConnectionLost(client);
    // A legacy SSE server answers only on its one stream: when it breaks, what was asked is lost even if
    // the transport's own reconnection finds the server (as a new session, never initialised).
    client.onerror = (error) => {
      if (error instanceof SseError) this.#onConnectionLost(client);
    };
    this.#policy.onReady();
    this.lastError = undefined;
    this.emit('lists', ['tools', 'prompts', 'resources']); // into the catalog before anyone sees `ready`
    this.#setState('ready');
    this.#settleFirst();
    this.#standing.reapply();
    this.#logger.info({ tools: this.lists.tools.length, pid: this.pid }, 'ready');
  }

  #onConnectionLost(client: Client): void {
    if (this.#client !== client || this.state === 'stopped') return;
    this.#client = undefined;
    this.#direct = undefined;
    this.#standing.connectionLost();
    this.pid = undefined;
    const exit = this.#transport ? describeExit(this.#transport) : 'connection lost';
    this.#logger.warn({ exit }, 'connection lost');
    // Over HTTP one failed request is the only sign: closing the client fails the other requests in flight
    // on that server at once (connection closed), instead of each waiting for its own timeout.
    if (!this.#transport) void client.close().catch(() => {});
    // The last known lists stay in the catalog: a call meanwhile gets UPSTREAM_UNAVAILABLE naming this
    // server, rather than "unknown tool", and clients are not told the tools vanished for a brief restart.
    this.#retryOrFail(`server ${exit}`, this.#policy.onCrash());
  }

  #retryOrFail(message: string, decision: ReturnType<RestartPolicy['onCrash']>): void {
    if ('giveUp' in decision) {
      this.#fail(`${message} (${decision.giveUp})`);
      return;
    }
    this.lastError = message;
    this.#setState('restarting');
    this.#settleFirst();
    this.#retryTimer = setTimeout(() => {
      this.restarts += 1;
      void this.#attempt();
    }, decision.retryInMs);
  }

  #fail(message: string): void {
    this.lastError = message;
    this.#setState('failed');
    this.#logger.error({ reason: message }, 'failed');
    this.#settleFirst();
  }

  #onListChanged(kind: ListKind): void {
    const client = this.#client;
    if (!client) return;
    refreshList(client, this.lists, kind)
      .then((lists) => {
        if (this.#client !== client) return;
        this.lists = lists;
        this.emit('lists', [kind]);
      })
      .catch((error: unknown) =>
        this.#logger.warn({ err: describeError(error), kind }, 'list refresh failed'),
      );
  }

  #setState(state: UpstreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  /**
   * Sends one request to this server and returns its result unchanged (an `input_required` result too).
   * A server that is restarting after having been ready is waited for (up to 10 s); a request the server
   * cannot have seen (its session was gone, or nothing was listening) is sent again once it is back, and
   * so is a request that is safe to repeat (everything but `tools/call`) when the connection broke under it.
   * @throws HubError `UPSTREAM_UNAVAILABLE` when the server is not ready or the connection fails,
   *   `UPSTREAM_TIMEOUT`, `UPSTREAM_ERROR` (the server's own JSON-RPC error), `CANCELLED`.
   */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: UpstreamRequestOptions = {},
  ): Promise<Result> {
    try {
      return await this.#send(await this.#readyClient(options), method, params, options);
    } catch (error) {
      if (options.failFast && error instanceof LostConnection) {
        throw error.unseen ? markUnsent(error.hubError) : error.hubError;
      }
      const retry = error instanceof LostConnection && (error.unseen || method !== 'tools/call');
      if (!retry) throw error instanceof LostConnection ? error.hubError : error;
      this.#logger.info({ method }, 'connection lost during a request: sending it again once reconnected');
      try {
        const client = await this.#readyClient(options);
        return await this.#send(client, method, params, options);
      } catch (again) {
        throw again instanceof LostConnection ? again.hubError : again;
      }
    }
  }

  /** The connected client, after waiting for a restart in progress; throws `UPSTREAM_UNAVAILABLE` otherwise. */
  async #readyClient(options: UpstreamRequestOptions): Promise<Client> {
    const healing = this.state === 'restarting' && this.#everReady && !options.failFast;
    if (healing) await settled(this, READY_WAIT_MS, options.signal);
    const client = this.#client;
    if (this.state === 'ready' && client) return client;
    const why = this.lastError ? `: ${this.lastError}` : '';
    const error = new HubError('UPSTREAM_UNAVAILABLE', `server "${this.name}" is ${this.state}${why}`, {
      server: this.name,
      retryable: this.state === 'starting' || this.state === 'restarting',
    });
    throw markUnsent(error);
  }

  /**
   * An MCP-level health probe on the live connection, within `timeoutMs`: `ping` for a 2025-era server,
   * `server/discover` for a 2026-era one (which has no `ping`; every server must answer discover).
   * @throws HubError when the server is not connected or does not answer in time.
   */
  async ping(timeoutMs: number): Promise<void> {
    const client = this.#client;
    if (this.state !== 'ready' || !client) {
      throw new HubError('UPSTREAM_UNAVAILABLE', `server "${this.name}" is ${this.state}`, {
        server: this.name,
      });
    }
    const probe =
      this.protocolVersion === MODERN_ERA
        ? client.request({ method: 'server/discover', params: {} }, PASSTHROUGH, { timeout: timeoutMs })
        : client.ping({ timeout: timeoutMs });
    await probe.catch((error: unknown) => {
      throw upstreamError(error, this.name);
    });
  }

  async #send(
    client: Client,
    method: string,
    params: Record<string, unknown>,
    options: UpstreamRequestOptions,
  ): Promise<Result> {
    const { origin } = options;
    const request = { method, params: withCallerEnvelope(params, origin, this.protocolVersion) };
    const timeout = options.timeoutMs ?? this.config.timeouts.callMs;
    const direct = this.#direct;
    const common = {
      signal: options.signal,
      timeout,
      // Without an onprogress callback the SDK sends no progress token, and progress could never reset the timer.
      onprogress: options.onprogress ?? (() => {}),
      maxTotalTimeout: this.config.timeouts.maxTotalMs ?? timeout * 10,
    };
    const send = () =>
      direct
        ? direct.request(method, request.params, common)
        : (client.request(request, PASSTHROUGH, {
            ...common,
            resetTimeoutOnProgress: true,
            // A 2026-era server asking for input is answered by the caller, not by the hub.
            allowInputRequired: true,
            // SEP-2243: a 2026-era HTTP server expects a tool's `x-mcp-header` arguments mirrored.
            headers:
              client.getProtocolEra() !== 'modern'
                ? undefined
                : mirroredParamHeaders(this.lists.tools, method, params),
          }) as Promise<Result>);
    try {
      const result = await this.#relay.track(origin, send);
      if (!nestedDeeperThan(result)) return result;
      const message = `server "${this.name}" answered with a result nested over ${MAX_RESULT_DEPTH} levels deep`;
      throw new HubError('UPSTREAM_ERROR', message, { server: this.name });
    } catch (error) {
      if (isTooManyRequests(error)) throw rateLimited(error, this.name, this.#retryAfterMs);
      const unseen = isSessionLost(error);
      if (!unseen && !isConnectionLoss(error)) throw upstreamError(error, this.name);
      if (this.#transport === undefined) this.#onConnectionLost(client); // HTTP: no process to watch
      throw lostConnection(error, this.name, this.#transport, unseen);
    }
  }

  /** See `StandingRequests.setLogLevel`. */
  setLogLevel(level: LoggingLevel): void {
    this.#standing.setLogLevel(level);
  }

  /** See `StandingRequests.subscribe`. */
  subscribe(uri: string, on: boolean): Promise<void> {
    return this.#standing.subscribe(uri, on);
  }

  /** Stops the server (and its process group); no restart follows. */
  async stop(): Promise<void> {
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#setState('stopped');
    this.#settleFirst();
    await client?.close().catch(() => {});
    await this.#transport?.close().catch(() => {});
  }
}
