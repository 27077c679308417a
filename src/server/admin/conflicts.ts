import { Hono } from 'hono';
import type { Hub } from '../../hub.ts';

/** `/api/v1/conflicts`: every name, URI or template several servers offer, who kept it and why. */
export function conflictRoutes(hub: Hub): Hono {
  const routes = new Hono();
  routes.get('/', (c) => c.json({ conflicts: hub.catalog.conflicts }));
  return routes;
}
