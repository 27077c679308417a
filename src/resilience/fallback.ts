import type { Result } from '@modelcontextprotocol/client';
import type { Catalog } from '../catalog/catalog.ts';
import { HubError } from '../errors.ts';
import type { Interceptor } from '../pipeline/call.ts';

/** The `_meta` key of a result that a fallback tool gave in place of the one called. */
export const FALLBACK_META_KEY = 'toolmesh/fallback';

/** Errors that are the caller's doing or choice: another tool would not be what they asked for. */
const NOT_FAILURES = new Set([
  'UNKNOWN_TOOL',
  'UNKNOWN_PROMPT',
  'UNKNOWN_RESOURCE',
  'INVALID_REQUEST',
  'CANCELLED',
]);

/** What the fallback interceptor reads from the hub. */
export interface FallbackSource {
  catalog(): Catalog;
  /** The server's `fallbacks`: its own tool name → the served name of the tool that answers instead. */
  fallbacks(server: string): ReadonlyMap<string, string> | undefined;
}

/**
 * Fallback tools: when a `tools/call` fails with a hub or upstream error (not a result with `isError`, and
 * not the caller's mistake or cancellation), the tool configured in its server's `fallbacks` is called
 * with the same arguments, and its result says so in `_meta["toolmesh/fallback"]` (`{tool, answeredBy,
 * error}`). One level only: a fallback's own fallback is not followed. If the fallback fails too, the
 * caller gets the first error.
 */
export function fallbackInterceptor(source: FallbackSource): Interceptor {
  return (next) => async (call) => {
    if (call.method !== 'tools/call') return next(call);
    try {
      return await next(call);
    } catch (error) {
      const name = String(call.params.name ?? '');
      const entry = source.catalog().tools.get(name);
      const target = entry && source.fallbacks(entry.server)?.get(entry.original);
      if (!target || !HubError.is(error) || NOT_FAILURES.has(error.code) || call.signal.aborted) throw error;
      let result: Result;
      try {
        result = await next({ ...call, params: { ...call.params, name: target } });
      } catch {
        throw error;
      }
      const fallback = { tool: name, answeredBy: target, error: error.code };
      return { ...result, _meta: { ...result._meta, [FALLBACK_META_KEY]: fallback } };
    }
  };
}
