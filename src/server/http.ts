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
import { createMiddleware } from 'hono/factory';
import type { Hub } from '../hub.ts';
import { MAX_LINE_BYTES } from '../protocol/json-lines.ts';
import { adminApi } from './admin/api.ts';
import { health } from './health.ts';
import { LegacySessions } from './legacy-sessions.ts';
import { McpFace } from './mcp-server.ts';
import { paramHeaderRejection } from './param-header-check.ts';
import { isPlainSessionMessage } from './session-message.ts';

export interface HttpOptions {
  host: string;
  /** 0 picks a free port; the chosen one is in the returned handle. */
  port: number;
  /** Names accepted in Host and Origin besides loopback names and `host` (DNS-rebinding defence). */
  allowedHosts?: readonly string[];
  /** Bearer token the admin API requires (TOOLMESH_ADMIN_TOKEN); without one, changes only from loopback. */
  adminToken?: string;
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
    maxRequestBodySize: MAX_BODY_BYTES,
    onerror: (error) => hub.logger.debug({ err: error.message }, 'modern request rejected'),
  });
  hub.on('catalog', (kinds) => {
    if (kinds.includes('tools')) modern.notify.toolsChanged();
    if (kinds.includes('prompts')) modern.notify.promptsChanged();
    if (kinds.includes('resources')) modern.notify.resourcesChanged();
  });
  // 2026-era clients following a resource through `subscriptions/listen` hear of updates the hub receives.
  hub.on('resourceUpdated', (uri) => modern.notify.resourceUpdated(uri));
  const extra = options.allowedHosts ?? [];
  const hostnames = [...localhostAllowedHostnames(), options.host, ...extra];
  const origins = [...localhostAllowedOrigins(), options.host, ...extra];

  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const report = health(hub);
    return c.json(report, report.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) =>
    c.body(await hub.metrics.metrics(), 200, { 'content-type': hub.metrics.contentType }),
  );
  // DNS-rebinding defence for everything that acts or tells: the MCP endpoint and the admin API.
  const checkHostAndOrigin = createMiddleware(async (c, next) => {
    const request = c.req.raw;
    return (
      hostHeaderValidationResponse(request, hostnames) ?? originValidationResponse(request, origins) ?? next()
    );
  });
  app.use('/mcp', checkHostAndOrigin);
  app.use('/api/*', checkHostAndOrigin);
  app.route('/api/v1', adminApi(hub, { token: options.adminToken }));
  app.all('/mcp', async (c) => {
    const request = c.req.raw;
    const body = await readJsonBody(request);
    if (!('parsed' in body)) {
      return (await isLegacyRequest(body.request, undefined, BODY_LIMIT))
        ? legacy.handle(body.request)
        : modern.fetch(body.request);
    }
    const parsedBody = body.parsed;
    if (
      isPlainSessionMessage(request.headers, parsedBody) ||
      (await isLegacyRequest(request, parsedBody, BODY_LIMIT))
    ) {
      return legacy.handle(request, parsedBody);
    }
    return paramHeaderRejection(hub, parsedBody, request.headers) ?? modern.fetch(request, { parsedBody });
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

/**
 * The largest POST body taken, as the stdio face's largest line: a request one face takes, the other does
 * too (the SDK's own default is 4 MiB). Bodies up to it are read once here and handed on parsed.
 */
const MAX_BODY_BYTES = MAX_LINE_BYTES;
const BODY_LIMIT = { maxRequestBodySize: MAX_BODY_BYTES };

/**
 * The body of a POST, read once and parsed. Without this it would be read twice per call: from a clone by
 * `isLegacyRequest`, then again by the transport (0.19 of 0.63 ms of hub CPU per call, see
 * docs/benchmarks.md). Requests without a `Content-Length` or over the limit are left unread, so the SDK
 * applies its own limit and errors; a body that is not JSON comes back as an equal, unread request for the
 * same reason.
 */
async function readJsonBody(request: Request): Promise<{ request: Request } | { parsed: unknown }> {
  if (request.method !== 'POST') return { request };
  const length = Number(request.headers.get('content-length') ?? Number.NaN);
  if (!Number.isInteger(length) || length <= 0 || length > MAX_BODY_BYTES) return { request };
  const text = await request.text();
  try {
    return { parsed: JSON.parse(text) };
  } catch {
    return { request: new Request(request.url, { method: 'POST', headers: request.headers, body: text }) };
  }
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
