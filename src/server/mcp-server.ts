import { type Result, Server, type ServerContext } from '@modelcontextprotocol/server';
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
    server.setRequestHandler('tools/list', () => ({ tools: servedTools(hub.catalog) }));
    server.setRequestHandler('prompts/list', () => ({ prompts: servedPrompts(hub.catalog) }));
    server.setRequestHandler('resources/list', () => ({
      resources: [...hub.catalog.resources.values()].map((entry) => entry.definition),
    }));
    server.setRequestHandler('resources/templates/list', () => ({
      resourceTemplates: hub.catalog.templates.map((entry) => entry.definition),
    }));
    server.setRequestHandler('tools/call', (request, ctx) => this.#route('tools/call', request.params, ctx));
    server.setRequestHandler('prompts/get', (request, ctx) => this.#route('prompts/get', request.params, ctx));
    server.setRequestHandler('resources/read', (request, ctx) => this.#route('resources/read', request.params, ctx));
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
      const result: Result = await this.#hub.call({
        method,
        params: params as Record<string, unknown>,
        signal: ctx.mcpReq.signal,
        onprogress,
      });
      return result;
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
