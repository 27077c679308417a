import { INTERNAL_ERROR, type JSONRPCErrorResponse, type RequestId } from '@modelcontextprotocol/client';

/**
 * A JSON-RPC id as MCP takes it: a string or an integer, and one `JSON.parse` carried exactly (not a
 * fraction, not beyond ±2^53-1).
 */
export function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

/** A JSON object: not null, not an array (what `params`, `_meta` and `arguments` must be). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The answer the hub puts in place of one it could not take (dropped for its size, unreadable, its stream
 * gone): request `id` fails with `message`, as if its peer had answered with an internal error.
 */
export function failedAnswer(
  id: RequestId,
  message: string,
  data?: Record<string, unknown>,
): JSONRPCErrorResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: INTERNAL_ERROR, message, ...(data !== undefined && { data }) },
  };
}
