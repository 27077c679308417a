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

/**
 * Builds the transport for one connection attempt to a configured server. Each attempt gets a fresh
 * transport: SDK transports cannot be restarted. `onUnreachable` hears of every HTTP request of the
 * transport that could not reach the server (see `reportingFetch`).
 */
export function createTransport(server: ServerConfig, onUnreachable: () => void = () => {}): Transport {
  switch (server.transport) {
    case 'stdio':
      return new ChildStdioTransport(stdioParams(server));
    case 'http':
      return new StreamableHTTPClientTransport(new URL(server.url ?? ''), {
        requestInit: { headers: server.headers },
        fetch: reportingFetch(upstreamFetch, onUnreachable),
      });
    case 'sse':
      return new SSEClientTransport(new URL(server.url ?? ''), {
        fetch: reportingFetch(withHeaders(server.headers), onUnreachable),
      });
  }
}

/**
 * `fetch`, telling `onUnreachable` when a request could not reach the server. The SDK keeps some of its
 * requests to itself: the GET that resumes a request's broken event stream, the legacy SSE stream's
 * reconnection. When those find nothing listening it retries and at last gives up without failing the
 * requests that were waiting on the stream, which then wait out their timeout; the hub takes such a
 * failure for what it is, the connection lost.
 */
function reportingFetch(fetchImpl: typeof fetch, onUnreachable: () => void): typeof fetch {
  return async (input, init) => {
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      if (isConnectionLoss(error)) onUnreachable();
      throw error;
    }
  };
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
