import {
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
  type VersionNegotiationMode,
} from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/model.ts';
import { upstreamFetch } from './http-fetch.ts';
import { stdioParams } from './spawn-child.ts';
import { ChildStdioTransport } from './stdio-transport.ts';

/**
 * Builds the transport for one connection attempt to a configured server. Each attempt gets a fresh
 * transport: SDK transports cannot be restarted.
 */
export function createTransport(server: ServerConfig): Transport {
  switch (server.transport) {
    case 'stdio':
      return new ChildStdioTransport(stdioParams(server));
    case 'http':
      return new StreamableHTTPClientTransport(new URL(server.url ?? ''), {
        requestInit: { headers: server.headers },
        fetch: upstreamFetch,
      });
    case 'sse':
      return new SSEClientTransport(new URL(server.url ?? ''), { fetch: withHeaders(server.headers) });
  }
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
