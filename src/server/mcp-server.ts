import { randomUUID } from 'node:crypto';
import type {
  CallToolRequestParams,
  CallToolResult,
  InputRequiredResult,
  LoggingLevel,
  LoggingMessageNotificationParams,
  Server,
} from '@modelcontextprotocol/server';
import { HubError } from '../errors.ts';
import type { Hub, OptionalFeatures } from '../hub.ts';
import type { HubCall, RoutedMethod } from '../pipeline/call.ts';
import type { ListKind } from '../upstream/lists.ts';
import { VERSION } from '../version.ts';
import { HubServer } from './hub-server.ts';
import { type BridgedCall, type DownstreamLeg, InputBridge } from './input-bridge.ts';
import { type ListMethod, ListPages, type ListResult } from './list-pages.ts';
import { answerMetaTool, clientNameOf, discoveryMode, isMetaTool, unwrapCallTool } from './meta-tools.ts';
import { capOpenInputs, pushInput } from './push-input.ts';
import { envelopeOf, type RequestContext, withoutPerHopMeta } from './request-context.ts';
import { toWireError } from './wire-errors.ts';

/** RFC 5424 severities as MCP names them, least severe first. */
const LOG_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/** How what an upstream sends while serving a call reaches the client: bridged, or pushed (`pushInput`). */
type CallRelay = Pick<BridgedCall, 'signal' | 'onprogress' | 'ask' | 'log'>;

function atOrAbove(level: LoggingLevel, threshold: LoggingLevel | undefined): boolean {
  return threshold === undefined || LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

/** How long a list request waits for servers still starting before it is answered with what is there. */
const LIST_WAIT_MS = 5_000;

function isUnknownName(error: unknown): boolean {
  return (
    HubError.is(error) &&
    (error.code === 'UNKNOWN_TOOL' || error.code === 'UNKNOWN_PROMPT' || error.code === 'UNKNOWN_RESOURCE')
  );
}

/**
 * Builds the hub's downstream MCP server objects (one per stdio connection, legacy HTTP session or modern
 * HTTP request; the SDK wants a fresh instance per serving unit) and tells the long-lived ones when the
 * catalog changed. All instances read the same hub, so every face serves the same catalog.
 */
export class McpFace {
  readonly #hub: Hub;
  /** Instances on a long-lived connection, which receive list-changed notifications. */
  readonly #live = new Set<Server>();
  readonly #bridge = new InputBridge();
  readonly #pages = new ListPages();
  /** The level each 2025-era connection set with `logging/setLevel`. */
  readonly #levels = new WeakMap<Server, LoggingLevel>();
  /** A random identity per connection (stdio) for affinity and per-client limits, until auth names clients. */
  readonly #connectionIds = new WeakMap<Server, string>();
  /** The resources each 2025-era connection subscribed to, and how many connections want each URI. */
  readonly #subscriptions = new Map<Server, Set<string>>();
  readonly #subscribers = new Map<string, number>();
  #announceOnStart = false;

  constructor(hub: Hub) {
    this.#hub = hub;
    hub.on('catalog', (kinds) => this.#notify(kinds));
    hub.on('log', (params) => this.#broadcastLog(params));
    hub.on('resourceUpdated', (uri) => this.#resourceUpdated(uri));
  }

  /**
   * A new server instance wired to the hub. `live`: keep it to receive notifications. It declares only the
   * optional features some upstream has, so it waits (boundedly, like lists) for the servers to start.
   */
  async create(live: boolean): Promise<Server> {
    await this.#settledOrPartial();
    const features = this.#hub.features();
    const server = new HubServer(
      { name: 'toolmesh', version: VERSION },
      {
        capabilities: {
          tools: { listChanged: true },
          prompts: { listChanged: true },
          resources: { listChanged: true, ...(features.subscribe && { subscribe: true }) },
          ...(features.completions && { completions: {} }),
          ...(features.logging && { logging: {} }),
        },
      },
    );
    this.#register(server, features);
    if (live) {
      this.#live.add(server);
      server.onclose = () => {
        this.#live.delete(server);
        this.#releaseSubscriptions(server);
      };
    }
    return server;
  }

  // Every handler here returns a promise and throws nothing itself: `HubServer` takes a synchronous throw
  // for the SDK's check of the params.
  #register(server: Server, features: OptionalFeatures): void {
    // A copy each: the SDK may add to a result (its 2026-era `_meta`), and the page is shared.
    server.setRequestHandler('tools/list', async (request, ctx) => ({
      ...(await this.list('tools/list', request.params?.cursor, clientNameOf(server, ctx))),
    }));
    server.setRequestHandler('prompts/list', async (request) => ({
      ...(await this.list('prompts/list', request.params?.cursor)),
    }));
    server.setRequestHandler('resources/list', async (request) => ({
      ...(await this.list('resources/list', request.params?.cursor)),
    }));
    server.setRequestHandler('resources/templates/list', async (request) => ({
      ...(await this.list('resources/templates/list', request.params?.cursor)),
    }));
    server.setRequestHandler('tools/call', (request, ctx) => this.callTool(server, request.params, ctx));
    server.setRequestHandler('prompts/get', (request, ctx) =>
      this.#route(server, 'prompts/get', request.params, ctx),
    );
    server.setRequestHandler('resources/read', (request, ctx) =>
      this.#route(server, 'resources/read', request.params, ctx),
    );
    if (features.completions) {
      server.setRequestHandler('completion/complete', (request, ctx) =>
        this.#route(server, 'completion/complete', request.params, ctx),
      );
    }
    if (features.logging) {
      // Replaces the SDK's own handler: the level is kept per connection here, and servers are asked for
      // the lowest level any connection wants.
      server.setRequestHandler('logging/setLevel', async (request) => {
        this.#levels.set(server, request.params.level);
        this.#hub.setLogLevel(this.#lowestLevel());
        return {};
      });
    }
    if (features.subscribe) {
      server.setRequestHandler('resources/subscribe', (request) =>
        this.#subscribe(server, request.params.uri, true),
      );
      server.setRequestHandler('resources/unsubscribe', (request) =>
        this.#subscribe(server, request.params.uri, false),
      );
    }
  }

  /**
   * One page of a list, from the current catalog (the SDK's handlers, and `DirectAnswers`). Tools are
   * listed as `clientName`'s discovery mode has them. The same object answers every client asking for the
   * same page: not to be changed (the SDK's handlers pass on a copy).
   * @throws ProtocolError -32602 for a cursor that is malformed or of a list that changed since.
   */
  async list<M extends ListMethod>(
    method: M,
    cursor: string | undefined,
    clientName?: string,
  ): Promise<ListResult<M>> {
    await this.#settledOrPartial();
    return this.#pages.page(this.#hub.catalog, this.#hub.discovery, method, cursor, clientName);
  }

  /**
   * Answers a `tools/call` of `server`'s client: through the SDK's handler, or from `DirectAnswers` (a
   * 2025-era connection, stdio or HTTP), which builds its own `ctx`. The result may be `input_required`.
   */
  async callTool(
    server: Server,
    params: CallToolRequestParams,
    ctx: RequestContext,
  ): Promise<CallToolResult | InputRequiredResult> {
    const hub = this.#hub;
    // Decided on the current snapshot: a call to a ready server never waits for start-up.
    const mode = discoveryMode(hub.discovery, clientNameOf(server, ctx), hub.catalog);
    if (!isMetaTool(mode, params.name)) return this.#route(server, 'tools/call', params, ctx);
    if (params.name !== 'call_tool') {
      await this.#settledOrPartial();
      return answerMetaTool(params.name, params.arguments ?? {}, hub.catalog);
    }
    // call_tool takes the path of any call, so everything that applies to a call applies to it.
    const unwrapped = unwrapCallTool(params);
    return 'error' in unwrapped ? unwrapped.error : this.#route(server, 'tools/call', unwrapped.params, ctx);
  }

  /**
   * Lists wait for start-up so a client connecting meanwhile sees the whole catalog, but at most
   * `LIST_WAIT_MS`: one slow server must not hold every client. A list served before start-up settled is
   * followed by list-changed notifications once it has.
   */
  async #settledOrPartial(): Promise<void> {
    const hub = this.#hub;
    if (hub.started) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), LIST_WAIT_MS);
    });
    const outcome = await Promise.race([hub.whenStarted(), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout' && !this.#announceOnStart) {
      this.#announceOnStart = true;
      void hub.whenStarted().then(() => this.#notify(['tools', 'prompts', 'resources']));
    }
  }

  /**
   * Sends a routed request through the hub's pipeline. Progress goes to the caller's token, and the
   * upstream's requests for input go back to the caller through the input bridge. A retry carrying the
   * hub's own `requestState` continues the call it names; any other `inputResponses` / `requestState` are
   * an upstream's and go to it with the request.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each handler's result type differs; the upstream result passes through as it is
  async #route(server: Server, method: RoutedMethod, params: object, ctx: RequestContext): Promise<any> {
    const leg = this.#leg(server, ctx);
    const requestState = ctx.mcpReq.requestState();
    const inputResponses = ctx.mcpReq.inputResponses;
    try {
      if (this.#bridge.owns(requestState)) {
        return withoutPerHopMeta(await this.#bridge.resume(requestState, leg, inputResponses));
      }
      const forwarded: Record<string, unknown> = {
        ...params,
        ...(inputResponses !== undefined && { inputResponses }),
        ...(requestState !== undefined && { requestState }),
      };
      const envelope = envelopeOf(ctx);
      const run = (through: CallRelay) => {
        const call: HubCall = {
          method,
          params: forwarded,
          signal: through.signal,
          onprogress: through.onprogress,
          origin: {
            capabilities: envelope?.capabilities ?? server.getClientCapabilities() ?? {},
            logLevel: envelope?.logLevel ?? this.#levels.get(server),
            ask: through.ask,
            log: through.log,
          },
          client: ctx.sessionId ?? this.#connectionId(server),
        };
        return this.#hub.call(call).catch(async (error: unknown) => {
          // A name from a server still starting is not unknown yet: wait for start-up, then try once more.
          if (!isUnknownName(error) || this.#hub.started) throw error;
          await this.#hub.whenStarted();
          return this.#hub.call(call);
        });
      };
      // A 2025-era client (on stdio or its HTTP session) takes requests on its connection: the upstream's go
      // to it straight away, under this request's signal, so they are withdrawn when the client cancels or
      // goes. The bridge's rounds are for 2026-era clients, whose requests end with each round.
      const pushed: CallRelay | undefined = envelope
        ? undefined
        : {
            signal: leg.signal,
            onprogress: (progress) => leg.progress(progress).catch(() => {}), // the client is gone: nobody to tell
            log: leg.log,
            ask: capOpenInputs((request, signal) => pushInput(server, ctx.mcpReq.id, request, signal)),
          };
      const result = pushed ? await run(pushed) : await this.#bridge.start(leg, run);
      return withoutPerHopMeta(result);
    } catch (error) {
      throw toWireError(error);
    }
  }

  #connectionId(server: Server): string {
    let id = this.#connectionIds.get(server);
    if (id === undefined) {
      id = randomUUID();
      this.#connectionIds.set(server, id);
    }
    return id;
  }

  /** Where the upstream's progress and log messages for one client request go. */
  #leg(server: Server, ctx: RequestContext): DownstreamLeg {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    const envelope = envelopeOf(ctx);
    return {
      signal: ctx.mcpReq.signal,
      progress: (progress) =>
        progressToken === undefined
          ? Promise.resolve()
          : ctx.mcpReq.notify({ method: 'notifications/progress', params: { ...progress, progressToken } }),
      log: (params) => {
        // A 2026-era request names its level (no level: no logs); a 2025-era connection set one, or gets all.
        const threshold = envelope ? envelope.logLevel : this.#levels.get(server);
        if (envelope && threshold === undefined) return;
        if (!atOrAbove(params.level, threshold)) return;
        ctx.mcpReq.notify({ method: 'notifications/message', params }).catch(() => {});
      },
    };
  }

  /** A log message no call can be named for goes to every connection whose level lets it through. */
  #broadcastLog(params: LoggingMessageNotificationParams): void {
    for (const server of this.#live) {
      if (!server.getCapabilities().logging || !atOrAbove(params.level, this.#levels.get(server))) continue;
      server.notification({ method: 'notifications/message', params }).catch(() => {});
    }
  }

  #lowestLevel(): LoggingLevel {
    let lowest: LoggingLevel = 'emergency';
    for (const server of this.#live) {
      const level = this.#levels.get(server);
      if (level && LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(lowest)) lowest = level;
    }
    return lowest;
  }

  /** One upstream subscription per URI, however many connections want it; updates go to those that do. */
  async #subscribe(server: Server, uri: string, on: boolean): Promise<Record<string, never>> {
    const mine = this.#subscriptions.get(server) ?? new Set<string>();
    if (mine.has(uri) === on) return {};
    const count = (this.#subscribers.get(uri) ?? 0) + (on ? 1 : -1);
    if ((on && count === 1) || (!on && count === 0)) {
      await this.#hub.subscribe(uri, on).catch((error: unknown) => {
        throw toWireError(error);
      });
    }
    if (on) mine.add(uri);
    else mine.delete(uri);
    this.#subscriptions.set(server, mine);
    if (count > 0) this.#subscribers.set(uri, count);
    else this.#subscribers.delete(uri);
    return {};
  }

  #releaseSubscriptions(server: Server): void {
    for (const uri of this.#subscriptions.get(server) ?? []) {
      this.#subscribe(server, uri, false).catch(() => {}); // the server may be gone too; nothing to tell
    }
    this.#subscriptions.delete(server);
  }

  #resourceUpdated(uri: string): void {
    for (const [server, uris] of this.#subscriptions) {
      if (uris.has(uri)) server.sendResourceUpdated({ uri }).catch(() => {});
    }
  }

  #notify(kinds: ListKind[]): void {
    for (const server of this.#live) {
      const sends = kinds.map((kind) => {
        if (kind === 'tools') return server.sendToolListChanged();
        if (kind === 'prompts') return server.sendPromptListChanged();
        return server.sendResourceListChanged();
      });
      // A session that went away between the change and the send is not an error worth reporting.
      Promise.all(sends).catch(() => {});
    }
  }
}
