/** Which transport a server entry means: written as `type`/`transport`, or inferred from command/url. */
import type { TransportKind } from './model.ts';
import { type ServerEntry, TRANSPORT_ALIASES } from './schema.ts';

/** Field names that hold a remote server's URL, by client: ours and Cursor's, Windsurf's, Gemini CLI's. */
export const URL_KEYS = ['url', 'serverUrl', 'httpUrl'] as const;
/** One of `URL_KEYS`. */
export type UrlKey = (typeof URL_KEYS)[number];

/**
 * The transport the entry asks for, written or inferred (url → http, command → stdio). Returns undefined
 * when that is unclear; contradictions and missing fields are reported through `fatal`.
 */
export function resolveTransport(
  entry: ServerEntry,
  urlKey: UrlKey | undefined,
  fatal: (field: PropertyKey[], message: string, fix: string) => void,
): TransportKind | undefined {
  const fromType = entry.type && TRANSPORT_ALIASES[entry.type];
  const fromTransport = entry.transport && TRANSPORT_ALIASES[entry.transport];
  if (fromType && fromTransport && fromType !== fromTransport) {
    return void fatal(['transport'], 'contradicts type', 'keep only one of type and transport');
  }
  const urls = URL_KEYS.filter((key) => entry[key] !== undefined);
  if (urls.length > 1)
    return void fatal([urls[1] as string], `${urls.join(' and ')} are both set`, 'keep one');
  const hasCommand = entry.command !== undefined;
  const written = fromType ?? fromTransport;
  if (!written && hasCommand && urlKey) {
    return void fatal([], 'has both command and url', 'keep one, or set type: stdio or type: http');
  }
  const transport = written ?? (urlKey ? inferRemote(entry[urlKey]) : hasCommand ? 'stdio' : undefined);
  if (!transport) {
    const fix = 'add command: <program> (local) or url: <https URL> (remote)';
    return void fatal([], 'has neither command nor url', fix);
  }
  if (transport === 'stdio' && !hasCommand)
    fatal(['command'], 'missing (stdio servers need it)', 'add command: <program>');
  if (transport === 'stdio' && urlKey)
    fatal([urlKey], 'not used by stdio servers', 'remove it, or set type: http');
  if (transport !== 'stdio' && !urlKey)
    fatal(['url'], `missing (${transport} servers need it)`, 'add url: <https URL>');
  if (transport !== 'stdio' && hasCommand)
    fatal(['command'], `not used by ${transport} servers`, 'remove it, or set type: stdio');
  return transport;
}

/**
 * A remote entry without a type is Streamable HTTP, except a URL whose path ends in `/sse`: Cursor and
 * Claude Code files write legacy SSE servers that way, and those would not connect as Streamable HTTP.
 */
function inferRemote(url: unknown): TransportKind {
  return typeof url === 'string' && /\/sse\/?$/.test(url.split(/[?#]/)[0] ?? '') ? 'sse' : 'http';
}
