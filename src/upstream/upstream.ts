import { EventEmitter } from 'node:events';
import {
  Client,
  type ProgressCallback,
  type Result,
  SdkError,
  SdkErrorCode,
} from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/model.ts';
import { describeError, HubError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { VERSION } from '../version.ts';
import { createTransport } from './connect.ts';
import { isConnectionLoss, isPermanentStartError, upstreamError } from './errors.ts';
import { describeStartFailure, redactUrl } from './failure-message.ts';
import { EMPTY_LISTS, fetchLists, type ListKind, refreshList, type UpstreamLists } from './lists.ts';
import { PASSTHROUGH } from './passthrough.ts';
import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

export type UpstreamState = 'disabled' | 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

export interface UpstreamRequestOptions {
  signal?: AbortSignal;
  /** Called for each progress notification the upstream sends for this request. */
  onprogress?: ProgressCallback;
}

/**
 * One configured upstream server: its connection, its listed tools/resources/prompts, and the supervisor
 * that restarts it with backoff. Events: `state` (new state), `lists` (kinds whose list changed).
 */
export class Upstream extends EventEmitter<{ state: [UpstreamState]; lists: [ListKind[]] }> {
  readonly config: ServerConfig;
  state: UpstreamState;
  lists: UpstreamLists = EMPTY_LISTS;
  lastError: string | undefined;
  restarts = 0;
  pid: number | undefined;
  protocolVersion: string | undefined;
  readonly #logger: Logger;
  readonly #policy: RestartPolicy;
  #client: Client | undefined;
  #transport: ChildStdioTransport | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Set when the era probe itself broke the server: later attempts use the plain 2025 handshake. */
  #legacyOnly = false;
  #firstSettle: Promise<void>;
  #settleFirst: () => void = () => {};

  constructor(config: ServerConfig, logger: Logger) {
    super();
    this.config = config;
    this.#logger = logger.child({ server: config.name });
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
    const transport = createTransport(this.config);
    this.#transport = transport instanceof ChildStdioTransport ? transport : undefined;
    const client = new Client(
      { name: 'toolmesh', version: VERSION },
      {
        capabilities: {},
        versionNegotiation: { mode: this.#legacyOnly ? 'legacy' : 'auto' },
        listChanged: {
          tools: { autoRefresh: false, onChanged: () => this.#onListChanged('tools') },
          prompts: { autoRefresh: false, onChanged: () => this.#onListChanged('prompts') },
          resources: { autoRefresh: false, onChanged: () => this.#onListChanged('resources') },
        },
      },
    );
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
      this.#retryOrFail(message, this.#policy.onStartFailure(isPermanentStartError(error)));
      return;
    }
    if (this.state === 'stopped') {
      await client.close().catch(() => {});
      return;
    }
    this.#client = client;
    this.pid = this.#transport?.pid;
    this.protocolVersion = client.getNegotiatedProtocolVersion();
    client.onclose = () => this.#onConnectionLost(client);
    this.#policy.onReady();
    this.lastError = undefined;
    this.emit('lists', ['tools', 'prompts', 'resources']); // into the catalog before anyone sees `ready`
    this.#setState('ready');
    this.#settleFirst();
    this.#logger.info({ tools: this.lists.tools.length, pid: this.pid }, 'ready');
  }

  #onConnectionLost(client: Client): void {
    if (this.#client !== client || this.state === 'stopped') return;
    this.#client = undefined;
    this.pid = undefined;
    const exit = this.#transport ? describeExit(this.#transport) : 'connection lost';
    this.#logger.warn({ exit }, 'connection lost');
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
   * Sends one request to this server and returns its result unchanged.
   * @throws HubError `UPSTREAM_UNAVAILABLE` when the server is not ready or the connection fails,
   *   `UPSTREAM_TIMEOUT`, `UPSTREAM_ERROR` (the server's own JSON-RPC error), `CANCELLED`.
   */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: UpstreamRequestOptions = {},
  ): Promise<Result> {
    const client = this.#client;
    if (this.state !== 'ready' || !client) {
      const why = this.lastError ? `: ${this.lastError}` : '';
      throw new HubError('UPSTREAM_UNAVAILABLE', `server "${this.name}" is ${this.state}${why}`, {
        server: this.name,
        retryable: this.state === 'starting' || this.state === 'restarting',
      });
    }
    try {
      return (await client.request({ method, params }, PASSTHROUGH, {
        signal: options.signal,
        timeout: this.config.timeouts.callMs,
        // Without an onprogress callback the SDK sends no progress token, and progress could never reset the timer.
        onprogress: options.onprogress ?? (() => {}),
        resetTimeoutOnProgress: true,
        maxTotalTimeout: this.config.timeouts.callMs * 10,
      })) as Result;
    } catch (error) {
      if (!isConnectionLoss(error)) throw upstreamError(error, this.name);
      if (this.#transport === undefined) this.#onConnectionLost(client); // HTTP: no process to watch
      const how = this.#transport ? describeExit(this.#transport) : 'closed the connection';
      throw new HubError('UPSTREAM_UNAVAILABLE', `server "${this.name}" ${how} during the request`, {
        server: this.name,
        retryable: true,
        cause: error,
      });
    }
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

function describeExit(transport: ChildStdioTransport): string {
  if (transport.exitSignal) return `was killed by ${transport.exitSignal}`;
  if (transport.exitCode !== null) return `exited with code ${transport.exitCode}`;
  return 'closed its connection';
}
