import { type Result, SERVER_INFO_META_KEY, Server, type ServerContext } from '@modelcontextprotocol/server';
import { servedPrompts, servedTools } from '../catalog/catalog.ts';
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
export class McpFace {
  readonly #hub: Hub;
  /** Instances on a long-lived connection, which receive list-changed notifications. */
  readonly #live = new Set<Server>();
  #inflight = 0;
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
    // Lists wait for start-up to settle (bounded by each server's start-up timeout): a client that connects
    // while servers start sees the whole catalog, not a partial one followed by list-changed.
    const catalog = async () => {
      await hub.whenStarted();
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
    const onprogress =
      progressToken === undefined
        ? undefined
        : (progress: { progress: number; total?: number; message?: string }) =>
            void ctx.mcpReq
              .notify({ method: 'notifications/progress', params: { ...progress, progressToken } })
              .catch(() => {});
    try {
      await this.#hub.whenStarted(); // a call racing start-up must not see "unknown tool"
      const result: Result = await this.#hub.call({
        method,
        params: params as Record<string, unknown>,
        signal: ctx.mcpReq.signal,
        onprogress,
      });
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
