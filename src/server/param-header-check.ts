import type { Hub } from '../hub.ts';
import { checkParamHeaders, HEADER_MISMATCH, paramHeaders } from '../protocol/param-headers.ts';

/**
 * For a 2026-era `tools/call` over HTTP: the 400 answer (-32020 HeaderMismatch) when its `Mcp-Param-*`
 * headers disagree with its arguments, per the served tool's `x-mcp-header` declarations; otherwise
 * undefined. Checked here, before the SDK's handler, because the SDK checks them only for tools
 * registered on an `McpServer`.
 */
export function paramHeaderRejection(hub: Hub, body: unknown, headers: Headers): Response | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { method, params, id } = body as {
    method?: unknown;
    params?: { name?: unknown; arguments?: unknown };
    id?: unknown;
  };
  if (method !== 'tools/call' || typeof params?.name !== 'string') return undefined;
  const tool = hub.catalog.tools.get(params.name);
  if (!tool) return undefined; // unknown tools get the usual -32602 from the call path
  const fault = checkParamHeaders(paramHeaders(tool.definition.inputSchema), params.arguments, headers);
  if (!fault) return undefined;
  const error = {
    code: HEADER_MISMATCH,
    message: `Bad Request: header ${fault.header} ${fault.problem}`,
    data: { mismatch: { header: fault.header, body: `arguments of ${params.name}` } },
  };
  return Response.json({ jsonrpc: '2.0', id: id ?? null, error }, { status: 400 });
}
