import { type Result, SERVER_INFO_META_KEY, Server, type ServerContext } from '@modelcontextprotocol/server';
import { servedPrompts, servedTools } from '../catalog/catalog.ts';
import { HubError } from '../errors.ts';
import type { Hub } from '../hub.ts';
import type { RoutedMethod } from '../pipeline/call.ts';
import type { ListKind } from '../upstream/lists.ts';
import { VERSION } from '../version.ts';
import { toWireError } from './wire-errors.ts';

/**
 * Builds the hub's downstream MCP server objects (one per stdio connection, legacy HTTP session or modern
 * HTTP request; the SDK wants a fresh instance per serving unit) and tells the long-lived ones when the
 * catalog changed. All instances read the same hub, so every face serves the same catalog.
 */
/** How long a list request waits for servers still starting before it is answered with what is there. */
const LIST_WAIT_MS = 5_000;

function isUnknownName(error: unknown): boolean {
  return (
    HubError.is(error) &&
    (error.code === 'UNKNOWN_TOOL' || error.code === 'UNKNOWN_PROMPT' || error.code === 'UNKNOWN_RESOURCE')
  );
}

export class McpFace {
  readonly #hub: Hub;
  /** Instances on a long-lived connection, which receive list-changed notifications. */
  readonly #live = new Set<Server>();
  #inflight = 0;
  #announceOnStart = false;
  #idleWaiters: (() => void)[] = [];

  constructor(hub: Hub) {
    this.#hub = hub;
    hub.on('catalog', (kinds) => this.#notify(kinds));
  }

  /** A new server instance wired to the hub. `live`: keep it to receive list-changed notifications. */
  create(live: boolean): Server {
    const server = new Server(
      { name: 'toolmesh', version: VERSION },
      {
        capabilities: {
          tools: { listChanged: true },
          prompts: { listChanged: true },
          resources: { listChanged: true },
        },
      },
    );
    this.#register(server);
    if (live) {
      this.#live.add(server);
      server.onclose = () => this.#live.delete(server);
    }
    return server;
  }

  #register(server: Server): void {
    const hub = this.#hub;
    const catalog = async () => {
      await this.#settledOrPartial();
      return hub.catalog;
    };
    const tracked = <T>(work: () => Promise<T>): Promise<T> => this.#track(work);
    server.setRequestHandler('tools/list', () =>
      tracked(async () => ({ tools: servedTools(await catalog()) })),
    );
    server.setRequestHandler('prompts/list', () =>
      tracked(async () => ({ prompts: servedPrompts(await catalog()) })),
    );
    server.setRequestHandler('resources/list', () =>
      tracked(async () => ({
        resources: [...(await catalog()).resources.values()].map((entry) => entry.definition),
      })),
    );
    server.setRequestHandler('resources/templates/list', () =>
      tracked(async () => ({
        resourceTemplates: (await catalog()).templates.map((entry) => entry.definition),
      })),
    );
    server.setRequestHandler('tools/call', (request, ctx) =>
      tracked(() => this.#route('tools/call', request.params, ctx)),
    );
    server.setRequestHandler('prompts/get', (request, ctx) =>
      tracked(() => this.#route('prompts/get', request.params, ctx)),
    );
    server.setRequestHandler('resources/read', (request, ctx) =>
      tracked(() => this.#route('resources/read', request.params, ctx)),
    );
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

  /** Resolves once no request is being handled (used to answer everything before a stdio face closes). */
  idle(): Promise<void> {
    return this.#inflight === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #track<T>(work: () => Promise<T>): Promise<T> {
    this.#inflight += 1;
    try {
      return await work();
    } finally {
      this.#inflight -= 1;
      if (this.#inflight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  /** Sends a routed request through the hub's pipeline, relaying progress to the caller's token. */
  // biome-ignore lint/suspicious/noExplicitAny: each handler's result type differs; the upstream result passes through as it is
  async #route(method: RoutedMethod, params: object, ctx: ServerContext): Promise<any> {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    // Progress is sent in order, and the result only after the last progress went out: the client drops
    // progress that arrives after the response.
    let progressSent: Promise<void> = Promise.resolve();
    const onprogress =
      progressToken === undefined
        ? undefined
        : (progress: { progress: number; total?: number; message?: string }) => {
            const params = { ...progress, progressToken };
            progressSent = progressSent
              .then(() => ctx.mcpReq.notify({ method: 'notifications/progress', params }))
              .catch(() => {});
          };
    try {
      const call = {
        method,
        params: params as Record<string, unknown>,
        signal: ctx.mcpReq.signal,
        onprogress,
      };
      const result = await this.#hub.call(call).catch(async (error: unknown) => {
        // A name from a server still starting is not unknown yet: wait for start-up, then try once more.
        if (!isUnknownName(error) || this.#hub.started) throw error;
        await this.#hub.whenStarted();
        return this.#hub.call(call);
      });
      await progressSent;
      return withoutPerHopMeta(result);
    } catch (error) {
      throw toWireError(error);
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

/**
 * Reserved `_meta` keys that describe one hop (the upstream's identity) must not reach the client as if
 * they described the hub; the SDK stamps the hub's own where the era calls for it. Other keys pass through.
 */
function withoutPerHopMeta(result: Result): Result {
  const meta = result._meta;
  if (!meta || !(SERVER_INFO_META_KEY in meta)) return result;
  const { [SERVER_INFO_META_KEY]: _upstreamInfo, ...rest } = meta;
  return { ...result, _meta: rest };
}
