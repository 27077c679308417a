import {
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
  type VersionNegotiationMode,
} from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/model.ts';
import { isConnectionLoss } from './errors.ts';
import { upstreamFetch } from './http-fetch.ts';
import { stdioParams } from './spawn-child.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

/** What a connection's HTTP requests tell its `Upstream` besides their answers. */
export interface ConnectionWatch {
  /** A request could not reach the server (see `watchedFetch`). */
  unreachable(): void;
  /** The server answered 429; `retryAfterMs` from its `Retry-After`, when it sent one. */
  rateLimited(retryAfterMs: number | undefined): void;
}

/**
 * Builds the transport for one connection attempt to a configured server. Each attempt gets a fresh
 * transport: SDK transports cannot be restarted. An HTTP transport's requests report to `watch`.
 */
export function createTransport(server: ServerConfig, watch?: ConnectionWatch): Transport {
  switch (server.transport) {
    case 'stdio':
      return new ChildStdioTransport(stdioParams(server));
    case 'http':
      return new StreamableHTTPClientTransport(new URL(server.url ?? ''), {
        requestInit: { headers: server.headers },
        fetch: watchedFetch(upstreamFetch, watch),
      });
    case 'sse':
      return new SSEClientTransport(new URL(server.url ?? ''), {
        fetch: watchedFetch(withHeaders(server.headers), watch),
      });
  }
}

/**
 * `fetch`, telling `watch` what the SDK's errors do not carry. A request that could not reach the server:
 * the SDK keeps some requests to itself (the GET that resumes a request's broken event stream, the legacy
 * SSE stream's reconnection), and when those find nothing listening it retries and at last gives up
 * without failing the requests that were waiting on the stream, which then wait out their timeout; the
 * hub takes such a failure for what it is, the connection lost. A 429's `Retry-After`, which the SDK's
 * error leaves out.
 */
function watchedFetch(fetchImpl: typeof fetch, watch: ConnectionWatch | undefined): typeof fetch {
  if (!watch) return fetchImpl;
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (error) {
      if (isConnectionLoss(error)) watch.unreachable();
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
function withHeaders(headers: Record<string, string>): typeof fetch {
  return (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return upstreamFetch(input, { ...init, headers: merged });
  };
}
