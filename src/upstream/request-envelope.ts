/** What goes around one request to an upstream besides its params: the caller's envelope and headers. */
import { CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY, type Tool } from '@modelcontextprotocol/client';
import type { CallOrigin } from '../pipeline/call.ts';
import { mirrorParamHeaders, paramHeaders } from '../protocol/param-headers.ts';

/** The first protocol revision without server-to-client requests (input arrives as `input_required`). */
export const MODERN_ERA = '2026-07-28';

/**
 * A 2026-era server reads the client's capabilities and log level from each request's `_meta`; the
 * caller's own go there (keys given in `_meta` win over the SDK's envelope), so the server asks only for
 * input this caller can give. A 2025-era server got the hub's capabilities at the handshake instead.
 */
export function withCallerEnvelope(
  params: Record<string, unknown>,
  origin: CallOrigin | undefined,
  protocolVersion: string | undefined,
): Record<string, unknown> {
  if (!origin || protocolVersion !== MODERN_ERA) return params;
  const meta: Record<string, unknown> = {
    ...(params._meta as Record<string, unknown> | undefined),
    [CLIENT_CAPABILITIES_META_KEY]: origin.capabilities,
  };
  if (origin.logLevel) meta[LOG_LEVEL_META_KEY] = origin.logLevel;
  return { ...params, _meta: meta };
}

/** The `Mcp-Param-*` headers of a `tools/call` of one of `tools` (SEP-2243); undefined when it has none. */
export function mirroredParamHeaders(
  tools: readonly Tool[],
  method: string,
  params: Record<string, unknown>,
): Record<string, string> | undefined {
  if (method !== 'tools/call') return undefined;
  const tool = tools.find((candidate) => candidate.name === params.name);
  const declarations = paramHeaders(tool?.inputSchema);
  return declarations.length > 0 ? mirrorParamHeaders(declarations, params.arguments) : undefined;
}
