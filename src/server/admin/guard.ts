import { timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who may use the admin API, which can start commands on this machine (adding a server runs its
 * `command`). With a token (`TOOLMESH_ADMIN_TOKEN`), every request needs `Authorization: Bearer <token>`.
 * Without one, anyone who passes the Host/Origin check may read, but only a client on this machine
 * (a loopback peer address) may change anything: binding 0.0.0.0 must not hand the LAN a way to run
 * commands. Full inbound authentication comes with the auth issue.
 */
export function adminGuard(token: string | undefined) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return createMiddleware(async (c, next) => {
    if (expected) {
      const given = Buffer.from(c.req.header('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return c.json(
          {
            error: {
              code: 'UNAUTHORIZED',
              message: 'admin API: send Authorization: Bearer <TOOLMESH_ADMIN_TOKEN>',
            },
          },
          401,
          {
            'www-authenticate': 'Bearer',
          },
        );
      }
      return next();
    }
    if (READS.has(c.req.method) || isLoopback(getConnInfo(c).remote.address)) return next();
    return c.json(
      {
        error: {
          code: 'FORBIDDEN',
          message:
            'admin API: changes are accepted only from this machine; set TOOLMESH_ADMIN_TOKEN to allow remote clients',
        },
      },
      403,
    );
  });
}

/** True for IPv4 127/8 and IPv6 ::1, also in IPv4-mapped form. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
