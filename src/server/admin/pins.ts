import { Hono } from 'hono';
import { findPin } from '../../catalog/pin-target.ts';
import { pinDiffView, pinSummary } from '../../catalog/pin-view.ts';
import { HubError } from '../../errors.ts';
import type { Hub } from '../../hub.ts';
import type { PinRecord } from '../../store/store.ts';

/**
 * `/api/v1/pins`: tool-definition pins. `:tool` is a served name, `<server>/<tool>` (URL-encoded) or
 * `<server>__<tool>`, as for `toolmesh pins`.
 */
export function pinRoutes(hub: Hub): Hono {
  const routes = new Hono();
  const find = (name: string): PinRecord => findPin(hub.keeper.pins(), name, hub.catalog);
  routes.get('/', (c) => c.json({ pins: hub.keeper.pins().map(pinSummary) }));
  routes.get('/:tool/diff', (c) => c.json(pinDiffView(find(c.req.param('tool')))));
  routes.post('/:tool/approve', (c) => {
    const pin = find(c.req.param('tool'));
    if (!hub.keeper.approve(pin)) {
      const message = `nothing to approve: ${pin.server}/${pin.tool} is unchanged since it was approved`;
      return c.json({ error: { code: 'NOTHING_PENDING', message } }, 409);
    }
    return c.json({ approved: true, server: pin.server, tool: pin.tool });
  });
  routes.onError((error, c) => {
    if (HubError.is(error) && error.code === 'UNKNOWN_TOOL') {
      return c.json({ error: { code: error.code, message: error.message } }, 404);
    }
    throw error;
  });
  return routes;
}
