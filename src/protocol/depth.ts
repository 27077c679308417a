/**
 * How deep a result the hub passes on may nest. Reading JSON is not recursive, writing it is: V8's
 * `JSON.stringify` overflows the stack near 5,000 levels (sooner when called deep in a stack), and a face
 * that cannot write a response leaves its client without an answer (the SDK's HTTP transport only reports
 * it). MCP results nest a few dozen levels; 1,000 leaves them room and keeps this check, recursive itself,
 * far from the stack's limit.
 */
export const MAX_RESULT_DEPTH = 1_000;

/** True when `value` nests objects and arrays more than `limit` levels deep; looks no deeper than that. */
export function nestedDeeperThan(value: unknown, limit = MAX_RESULT_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestedDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (nestedDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  }
  return false;
}
