import { Hono } from 'hono';
import { z } from 'zod';
import type { Hub } from '../../hub.ts';
import { implementedStrategies } from '../../routing/registry.ts';
import type { StrategyName } from '../../routing/strategy.ts';

const body = z.strictObject({ strategy: z.string() });

function error(code: string, message: string) {
  return { error: { code, message } };
}

/**
 * `GET /api/v1/routing`: each server's strategy and routing decisions per replica and strategy.
 * `PUT /api/v1/servers/:name/routing` with `{"strategy": "..."}`: switches the server's strategy at run
 * time; calls in flight finish on the replica they were sent to, later calls use the new strategy.
 */
export function routingRoutes(hub: Hub): Hono {
  const routes = new Hono();
  routes.get('/routing', (c) =>
    c.json({
      servers: hub.servers().map(({ name }) => {
        const server = hub.server(name);
        return {
          name,
          strategy: server?.router.strategy,
          replicas: server?.replicas.map((replica) => replica.status()) ?? [],
          decisions: server?.router.decisions() ?? [],
        };
      }),
    }),
  );
  routes.put('/servers/:name/routing', async (c) => {
    const name = c.req.param('name');
    const server = hub.server(name);
    if (!server) return c.json(error('UNKNOWN_SERVER', `no server "${name}"`), 404);
    const parsed = body.safeParse(await c.req.json().catch(() => undefined));
    const known = implementedStrategies();
    if (!parsed.success) {
      return c.json(error('INVALID_REQUEST', `send {"strategy": one of ${known.join(', ')}}`), 400);
    }
    const strategy = parsed.data.strategy as StrategyName;
    if (!known.includes(strategy)) {
      const message = `unknown strategy "${parsed.data.strategy.slice(0, 64)}": use one of ${known.join(', ')}`;
      return c.json(error('INVALID_REQUEST', message), 400);
    }
    server.router.setStrategy(strategy);
    hub.logger.info({ server: name, strategy }, 'routing strategy switched');
    return c.json({ name, strategy: server.router.strategy });
  });
  return routes;
}
