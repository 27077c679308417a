import { Hono } from 'hono';
import type { Hub } from '../../hub.ts';

/** `/api/v1/servers`: every configured server with its state, as `toolmesh servers --json` shows it. */
export function serverRoutes(hub: Hub): Hono {
  const routes = new Hono();
  routes.get('/', (c) => c.json({ servers: hub.servers() }));
  routes.get('/:name', (c) => {
    const server = hub.servers().find((status) => status.name === c.req.param('name'));
    if (!server)
      return c.json(
        { error: { code: 'UNKNOWN_SERVER', message: `no server "${c.req.param('name')}"` } },
        404,
      );
    return c.json(server);
  });
  return routes;
}
