import {
  Client,
  type RequestId,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
  type VersionNegotiationMode,
} from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/model.ts';
import { VERSION } from '../version.ts';
import { isConnectionLoss } from './errors.ts';
import { upstreamFetch } from './http-fetch.ts';
import type { ListKind } from './lists.ts';
import { tooLargeRefusal } from './response-limit.ts';
import { stdioParams } from './spawn-child.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

/**
 * What the hub declares to every upstream. Connections are shared by all downstream clients, so the hub
 * offers what a client may have, then passes each request for input to the client of the call that caused
 * it, and refuses it when that client cannot serve it. (2026-era upstreams get each caller's own
 * capabilities with every request instead.)
 */
export const CLIENT_CAPABILITIES = { sampling: {}, elicitation: { form: {}, url: {} }, roots: {} };
export const CLIENT_INFO = { name: 'toolmesh', version: VERSION };

/**
 * The SDK client for one connection attempt to `server`: the hub's identity, the version negotiation its
 * `protocol:` asks for (see `negotiationMode`), and list changes reported to `onListChanged` (the hub
 * fetches the lists itself, when it needs them).
 */
export function createClient(
  server: ServerConfig,
  legacyOnly: boolean,
  onListChanged: (kind: ListKind) => void,
): Client {
  return new Client(CLIENT_INFO, {
    capabilities: CLIENT_CAPABILITIES,
    versionNegotiation: { mode: negotiationMode(server, legacyOnly) },
    listChanged: {
      tools: { autoRefresh: false, onChanged: () => onListChanged('tools') },
      prompts: { autoRefresh: false, onChanged: () => onListChanged('prompts') },
      resources: { autoRefresh: false, onChanged: () => onListChanged('resources') },
    },
  });
}

/** What a connection's HTTP requests tell its `Upstream` besides their answers. */
export interface ConnectionWatch {
  /** A request could not reach the server (see `watchedFetch`). */
  unreachable(): void;
  /** The server answered 429; `retryAfterMs` from its `Retry-After`, when it sent one. */
  rateLimited(retryAfterMs: number | undefined): void;
}

/**
 * Builds the transport for one connection attempt to a configured server. Each attempt gets a fresh
 * transport: SDK transports cannot be restarted. An HTTP transport's requests report to `watch`, and a
 * request of the server's own that was over the size cap is refused on the same transport, as the stdio
 * transport does, so the server does not wait for an answer (security note's bad input 53).
 */
export function createTransport(server: ServerConfig, watch?: ConnectionWatch): Transport {
  if (server.transport === 'stdio') return new ChildStdioTransport(stdioParams(server));
  const refuse = (id: RequestId) => void transport.send(tooLargeRefusal(id)).catch(() => {}); // gone: seen elsewhere
  const url = new URL(server.url ?? '');
  const transport =
    server.transport === 'http'
      ? new StreamableHTTPClientTransport(url, {
          requestInit: { headers: server.headers },
          fetch: watchedFetch(upstreamFetch(refuse), watch),
        })
      : new SSEClientTransport(url, { fetch: watchedFetch(withHeaders(server.headers, refuse), watch) });
  return transport;
}

/**
 * `fetch`, telling `watch` what the SDK's errors do not carry. A GET that could not reach the server: the
 * SDK keeps its GETs to itself (the one that resumes a request's broken event stream, the legacy SSE
 * stream's reconnection), and when those find nothing listening it retries and at last gives up without
 * failing the requests that were waiting on the stream, which then wait out their timeout; the hub takes
 * such a failure for what it is, the connection lost. (A POST is a request of the hub's, whose failure
 * `Upstream.request` sees itself, and tells apart one that never reached the server.) A 429's
 * `Retry-After`, which the SDK's error leaves out.
 */
function watchedFetch(fetchImpl: typeof fetch, watch: ConnectionWatch | undefined): typeof fetch {
  if (!watch) return fetchImpl;
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (error) {
      if (init?.method !== 'POST' && isConnectionLoss(error)) watch.unreachable();
      throw error;
    }
    if (response.status === 429) watch.rateLimited(retryAfterMs(response.headers.get('retry-after')));
    return response;
  };
}

/** A `Retry-After` (seconds, or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  // An HTTP date ends in GMT; Date.parse alone would read "-5" or "1.5" as dates too.
  const at = /GMT\s*$/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The SDK's version negotiation for `server.protocol`. `auto` probes with `server/discover` and falls back
 * to `initialize`; `legacyOnly` (the probe made the server exit once) turns it into the plain handshake,
 * but never overrides a required 2026-07-28.
 */
export function negotiationMode(server: ServerConfig, legacyOnly: boolean): VersionNegotiationMode {
  if (server.protocol === '2026-07-28') return { pin: '2026-07-28' };
  return server.protocol === '2025-11-25' || legacyOnly ? 'legacy' : 'auto';
}

/** The SSE stream's GET does not read `requestInit`, so configured headers ride on a fetch wrapper for every request. */
function withHeaders(
  headers: Record<string, string>,
  onDroppedRequest: (id: RequestId) => void,
): typeof fetch {
  const fetchImpl = upstreamFetch(onDroppedRequest);
  return (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return fetchImpl(input, { ...init, headers: merged });
  };
}
