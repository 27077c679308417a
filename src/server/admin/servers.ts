import { dirname, isAbsolute } from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { ConfigError } from '../../config/config-error.ts';
import { parseServerEntry } from '../../config/entry.ts';
import { HubError } from '../../errors.ts';
import type { Hub } from '../../hub.ts';

/**
 * `/api/v1/servers`: every configured server with its state, as `toolmesh servers --json` shows it, and
 * changes at run time: add (`POST /`, the body is `{name, ...}` with the fields of a config file's server
 * entry), remove (`DELETE /:name`), `POST /:name/enable|disable|restart`. Changes are not written back to
 * the config file.
 */
export function serverRoutes(hub: Hub): Hono {
  const routes = new Hono();
  const status = (name: string) => hub.servers().find((server) => server.name === name);
  const unknown = (c: Context, name: string) =>
    c.json({ error: { code: 'UNKNOWN_SERVER', message: `no server "${name}"` } }, 404);

  routes.get('/', (c) => c.json({ servers: hub.servers() }));
  routes.get('/:name', (c) => {
    const server = status(c.req.param('name'));
    return server ? c.json(server) : unknown(c, c.req.param('name'));
  });

  routes.post('/', async (c) => {
    const body = await c.req.json().catch(() => undefined);
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body.name !== 'string') {
      const message = 'expected a JSON object with "name" and the fields of a server entry (command or url)';
      return c.json({ error: { code: 'INVALID_REQUEST', message } }, 400);
    }
    const { name, ...entry } = body as { name: string };
    if (hub.serverConfig(name)) {
      const message = `server "${name}" already exists: remove it first, or change the config file`;
      return c.json({ error: { code: 'SERVER_EXISTS', message } }, 409);
    }
    const file = hub.config.file;
    try {
      const config = parseServerEntry(name, entry, {
        label: '<admin API>',
        dir: isAbsolute(file) ? dirname(file) : process.cwd(),
      });
      await hub.addServer(config);
    } catch (error) {
      if (HubError.is(error))
        return c.json({ error: { code: 'SERVER_EXISTS', message: error.message } }, 409);
      if (!(error instanceof ConfigError)) throw error;
      return c.json({ error: { code: error.code, message: error.message, issues: error.issues } }, 400);
    }
    return c.json(status(name), 201);
  });

  routes.delete('/:name', async (c) => {
    const name = c.req.param('name');
    if (!hub.serverConfig(name)) return unknown(c, name);
    // Another request may have removed it meanwhile: the outcome the caller wanted either way.
    await hub.removeServer(name).catch(() => {});
    return c.json({ removed: name });
  });

  routes.post('/:name/:action{enable|disable|restart}', async (c) => {
    const name = c.req.param('name');
    const config = hub.serverConfig(name);
    if (!config) return unknown(c, name);
    const action = c.req.param('action');
    if (action === 'restart' && !config.enabled) {
      const message = `server "${name}" is disabled: enable it instead`;
      return c.json({ error: { code: 'SERVER_DISABLED', message } }, 409);
    }
    const change =
      action === 'restart' ? hub.restartServer(name) : hub.setServerEnabled(name, action === 'enable');
    // Removed by another request meanwhile.
    const gone = await change.then(
      () => false,
      (error: unknown) => {
        if (HubError.is(error)) return true;
        throw error;
      },
    );
    if (gone) return unknown(c, name);
    return c.json(status(name));
  });
  return routes;
}
