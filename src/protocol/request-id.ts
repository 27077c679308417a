import type { RequestId } from '@modelcontextprotocol/client';

/**
 * A JSON-RPC id as MCP takes it: a string or an integer, and one `JSON.parse` carried exactly (not a
 * fraction, not beyond ±2^53-1).
 */
export function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}
