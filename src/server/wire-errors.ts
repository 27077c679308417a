import { ProtocolError } from '@modelcontextprotocol/server';
import { type ErrorCode, HubError } from '../errors.ts';

/**
 * JSON-RPC codes for hub errors. Unknown names use -32602 as the spec says; the hub's own conditions use
 * the implementation-defined range -32003..-32019, avoiding -32000/-32001/-32002 which SDKs already use.
 */
const WIRE_CODES: Record<ErrorCode, number> = {
  INVALID_REQUEST: -32600,
  UNKNOWN_TOOL: -32602,
  UNKNOWN_PROMPT: -32602,
  UNKNOWN_RESOURCE: -32602,
  TOOL_CHANGED: -32015,
  UPSTREAM_UNAVAILABLE: -32004,
  UPSTREAM_TIMEOUT: -32010,
  UPSTREAM_ERROR: -32603,
  RATE_LIMITED: -32003,
  OVERLOADED: -32005,
  CIRCUIT_OPEN: -32012,
  NO_HEALTHY_REPLICA: -32013,
  CANCELLED: -32011,
  CONFIG_INVALID: -32603,
  INTERNAL: -32603,
};

/**
 * The one place a local error becomes a wire error. `data.code` carries the hub's code, `data.server` the
 * upstream involved and `data.retryable` whether sending again may help. An upstream's own JSON-RPC error
 * keeps its code, message and data object (plus `server`); without a data object it gets the hub's fields.
 */
export function toWireError(reason: unknown): ProtocolError {
  if (reason instanceof ProtocolError) return reason; // already in wire form
  const error = HubError.is(reason) ? reason : new HubError('INTERNAL', 'internal error', { cause: reason });
  const data: Record<string, unknown> = { code: error.code, retryable: error.retryable };
  if (error.server !== undefined) data.server = error.server;
  if (error.code === 'UPSTREAM_ERROR') {
    const { upstreamCode, upstreamData } = error.data;
    const code = typeof upstreamCode === 'number' ? upstreamCode : WIRE_CODES.UPSTREAM_ERROR;
    // The upstream's own data object passes through as it is (clients read fields such as
    // `requiredCapabilities` at its top level); the hub only adds which server answered.
    if (typeof upstreamData === 'object' && upstreamData !== null && !Array.isArray(upstreamData)) {
      return new ProtocolError(code, error.message, { server: error.server, ...upstreamData });
    }
    if (upstreamData !== undefined) data.upstream = upstreamData;
    return new ProtocolError(code, error.message, data);
  }
  for (const [key, value] of Object.entries(error.data)) data[key] ??= value;
  return new ProtocolError(WIRE_CODES[error.code], error.message, data);
}
