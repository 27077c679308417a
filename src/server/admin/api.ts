import { Hono } from 'hono';
import type { Hub } from '../../hub.ts';
import { conflictRoutes } from './conflicts.ts';
import { adminGuard } from './guard.ts';
import { pinRoutes } from './pins.ts';
import { routingRoutes } from './routing.ts';
import { runRoutes } from './runs.ts';
import { serverRoutes } from './servers.ts';

/**
 * The admin API (`/api/v1/...`, JSON), one route file per resource. It is mounted on the HTTP face behind
 * the same Host/Origin check as `/mcp`, so a web page cannot reach it through DNS rebinding, and behind
 * `adminGuard` (a bearer token, or changes from this machine only).
 */
export function adminApi(hub: Hub, options: { token?: string } = {}): Hono {
  const api = new Hono();
  api.use(adminGuard(options.token));
  api.route('/servers', serverRoutes(hub));
  api.route('/', routingRoutes(hub));
  api.route('/conflicts', conflictRoutes(hub));
  api.route('/pins', pinRoutes(hub));
  api.route('/runs', runRoutes(hub));
  // A catch-all route, not notFound(): a sub-app's notFound handler is not used once it is mounted.
  api.all('*', (c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `no admin endpoint ${c.req.path}` } }, 404),
  );
  return api;
}
