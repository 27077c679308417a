import type { Result } from '@modelcontextprotocol/client';
import { type Catalog, resourceOwner } from '../catalog/catalog.ts';
import { SEPARATOR } from '../catalog/naming.ts';
import { HubError } from '../errors.ts';
import type { RouteOptions } from '../routing/logical-server.ts';
import type { Upstream } from '../upstream/upstream.ts';
import type { CallFn, HubCall } from './call.ts';

/** A server as dispatch sees it: a logical server (routing over its replicas) or a single upstream. */
export interface RoutedServer extends Pick<Upstream, 'name' | 'state'> {
  readonly config: Pick<Upstream['config'], 'prefix'>;
  request(method: string, params: Record<string, unknown>, options: RouteOptions): Promise<Result>;
}

/** What dispatch reads from the hub: the current catalog and the server of a given name. */
export interface DispatchSource {
  catalog(): Catalog;
  upstream(name: string): RoutedServer | undefined;
}

/**
 * The centre of the call path: finds the upstream that owns the called name or URI, puts back the
 * upstream's own name, and sends the request there with the call's signal.
 * @throws HubError `UNKNOWN_TOOL` / `UNKNOWN_PROMPT` / `UNKNOWN_RESOURCE`, or whatever the upstream raised.
 */
export function createDispatch(source: DispatchSource): CallFn {
  return async (call: HubCall): Promise<Result> => {
    const { server, params } = resolve(source, call);
    const upstream = source.upstream(server);
    if (!upstream)
      throw new HubError('UPSTREAM_UNAVAILABLE', `server "${server}" is not configured`, { server });
    return upstream.request(call.method, params, {
      signal: call.signal,
      onprogress: call.onprogress,
      origin: call.origin,
      client: call.client,
    });
  };
}

function resolve(source: DispatchSource, call: HubCall): { server: string; params: Record<string, unknown> } {
  const catalog = source.catalog();
  const { params } = call;
  if (call.method === 'completion/complete') return resolveCompletion(source, call);
  if (call.method === 'resources/read') {
    const uri = String(params.uri ?? '');
    return { server: ownerOf(catalog, uri), params };
  }
  const name = String(params.name ?? '');
  const isTool = call.method === 'tools/call';
  const entry = (isTool ? catalog.tools : catalog.prompts).get(name);
  if (!entry) {
    if (isTool) refuseWithheld(catalog, name);
    // `<server>__name` of a server that never listed (failed, disabled): blame the server, not the caller.
    // A server still starting is left to the caller, which may wait for start-up and try again.
    const down = source.upstream(name.split(SEPARATOR)[0] ?? '');
    if (down?.config.prefix && down.state !== 'ready' && down.state !== 'starting') {
      return { server: down.name, params };
    }
    const kind = isTool ? 'tool' : 'prompt';
    throw new HubError(isTool ? 'UNKNOWN_TOOL' : 'UNKNOWN_PROMPT', `unknown ${kind}: ${truncate(name)}`, {
      data: { name: truncate(name) },
    });
  }
  return { server: entry.server, params: { ...params, name: entry.original } };
}

/** A tool withheld by pinning is known, so the caller learns why it cannot be called, not "unknown". */
function refuseWithheld(catalog: Catalog, name: string): void {
  const withheld = catalog.withheld.get(name);
  if (!withheld) return;
  throw new HubError(
    'TOOL_CHANGED',
    `tool ${name} is withheld: its definition changed since it was approved; ` +
      `review it with "toolmesh pins diff ${name}", then "toolmesh pins approve ${name}"`,
    { server: withheld.server, data: { name, tool: withheld.original } },
  );
}

/**
 * `completion/complete` goes to the server behind its reference: a prompt by its exposed name (put back to
 * the server's own), a resource template by its URI template.
 */
function resolveCompletion(
  source: DispatchSource,
  call: HubCall,
): { server: string; params: Record<string, unknown> } {
  const ref = (call.params.ref ?? {}) as { type?: unknown; name?: unknown; uri?: unknown };
  if (ref.type === 'ref/resource') {
    const uri = String(ref.uri ?? '');
    const template = source.catalog().templates.find((entry) => entry.definition.uriTemplate === uri);
    return { server: template?.server ?? ownerOf(source.catalog(), uri), params: call.params };
  }
  const { server, params } = resolve(source, { ...call, method: 'prompts/get', params: ref });
  return { server, params: { ...call.params, ref: params } };
}

function ownerOf(catalog: Catalog, uri: string): string {
  const server = resourceOwner(catalog, uri);
  if (!server) {
    throw new HubError('UNKNOWN_RESOURCE', `no server offers resource ${truncate(uri)}`, {
      data: { uri: truncate(uri) },
    });
  }
  return server;
}

/** Echoed names and URIs are capped so a huge input never comes back in an error. */
function truncate(text: string): string {
  return text.length > 128 ? `${text.slice(0, 128)}…` : text;
}
