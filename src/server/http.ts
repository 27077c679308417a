import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isLegacyRequest,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import type { Hub } from '../hub.ts';
import { health } from './health.ts';
import { LegacySessions } from './legacy-sessions.ts';
import { McpFace } from './mcp-server.ts';

export interface HttpOptions {
  host: string;
  /** 0 picks a free port; the chosen one is in the returned handle. */
  port: number;
  /** Close a 2025-era session after this long without a request (default 30 min). */
  sessionIdleMs?: number;
}

export interface HttpHandle {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the hub over Streamable HTTP at `/mcp` (both protocol eras), plus `/healthz` and `/readyz`.
 * Host and Origin are checked on `/mcp` (DNS-rebinding defence): loopback names, plus the bound host.
 */
export async function serveHttp(hub: Hub, options: HttpOptions): Promise<HttpHandle> {
  const face = new McpFace(hub);
  const legacy = new LegacySessions(face, options.sessionIdleMs);
  // Modern (2026-07-28) requests are stateless: a fresh instance per request, notified through the handler.
  const modern = createMcpHandler(() => face.create(false), {
    legacy: 'reject',
    onerror: (error) => hub.logger.debug({ err: error.message }, 'modern request rejected'),
  });
  hub.on('catalog', (kinds) => {
    if (kinds.includes('tools')) modern.notify.toolsChanged();
    if (kinds.includes('prompts')) modern.notify.promptsChanged();
    if (kinds.includes('resources')) modern.notify.resourcesChanged();
  });
  const hostnames = [...localhostAllowedHostnames(), options.host];
  const origins = [...localhostAllowedOrigins(), options.host];

  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const report = health(hub);
    return c.json(report, report.ready ? 200 : 503);
  });
  app.all('/mcp', async (c) => {
    const request = c.req.raw;
    const rejected =
      hostHeaderValidationResponse(request, hostnames) ?? originValidationResponse(request, origins);
    if (rejected) return rejected;
    return (await isLegacyRequest(request)) ? legacy.handle(request) : modern.fetch(request);
  });

  const server = await listen(app.fetch, options);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/mcp`,
    port,
    async close() {
      await Promise.all([legacy.closeAll(), modern.close()]);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as HttpServer).closeAllConnections(); // idle keep-alive sockets would hold close() open
      await closed;
    },
  };
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  options: HttpOptions,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: options.host, port: options.port }, () => resolve(server));
    server.once('error', reject);
  });
}
