import { createHash } from 'node:crypto';

/** Names every client accepts: OpenAI, Anthropic and Gemini all take this set; many cap the length at 64. */
export const VALID_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_NAME_LENGTH = 64;
/** Joins server and tool: two underscores, which a server name rarely contains, so the split stays readable. */
export const SEPARATOR = '__';

/**
 * The name a client sees for an upstream tool or prompt: `<server>__<name>` (or `name` alone when the server
 * is configured with `prefix: false`), made valid for every client. Invalid characters become `_`; a name
 * still too long is cut and given an 8-hex-digit hash of the full original, so the result is deterministic
 * (same input, same name, across restarts) and two long names sharing a beginning stay distinct.
 */
export function exposedName(server: string, name: string, prefix: boolean): string {
  const original = prefix ? `${server}${SEPARATOR}${name}` : name;
  const sanitized = original.replace(/[^A-Za-z0-9_-]/g, '_');
  const changed = sanitized !== original;
  if (sanitized.length > 0 && sanitized.length <= MAX_NAME_LENGTH && !changed) return sanitized;
  // Sanitising can merge distinct names (`a.b`, `a:b`), so any changed name also carries the hash.
  const hash = createHash('sha256').update(original).digest('hex').slice(0, 8);
  const head = sanitized.slice(0, MAX_NAME_LENGTH - hash.length - 1);
  return `${head}_${hash}`;
}
