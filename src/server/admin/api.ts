import { Hono } from 'hono';
import type { Hub } from '../../hub.ts';
import { conflictRoutes } from './conflicts.ts';
import { pinRoutes } from './pins.ts';
import { serverRoutes } from './servers.ts';

/**
 * The admin API (`/api/v1/...`, JSON), one route file per resource. It is mounted on the HTTP face behind
 * the same Host/Origin check as `/mcp`, so a web page cannot reach it through DNS rebinding; inbound
 * authentication for it is planned with the auth issue.
 */
export function adminApi(hub: Hub): Hono {
  const api = new Hono();
  api.route('/servers', serverRoutes(hub));
  api.route('/conflicts', conflictRoutes(hub));
  api.route('/pins', pinRoutes(hub));
  // A catch-all route, not notFound(): a sub-app's notFound handler is not used once it is mounted.
  api.all('*', (c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `no admin endpoint ${c.req.path}` } }, 404),
  );
  return api;
}
