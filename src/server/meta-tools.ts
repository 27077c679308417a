/**
 * Progressive discovery on the MCP face: the meta-tools `search_tools`, `describe_tool` and `call_tool`,
 * and which clients get them instead of (or besides) the full tool list.
 */
import {
  type CallToolResult,
  CLIENT_INFO_META_KEY,
  type Server,
  type ServerContext,
  type Tool,
} from '@modelcontextprotocol/server';
import { type Catalog, servedTools } from '../catalog/catalog.ts';
import { searchTools } from '../catalog/search.ts';
import { DEFAULT_DISCOVERY, type DiscoveryConfig, type DiscoveryMode, modeFor } from '../config/discovery.ts';

const MAX_RESULTS = 20;

/** The meta-tools as listed. Their descriptions tell a model how to use them together. */
export const META_TOOLS: readonly Tool[] = [
  {
    name: 'search_tools',
    title: 'Search tools',
    description:
      'Find tools for a task among all tools of this hub. Describe what you want to do in plain words; ' +
      'returns the best matching tool names with a short description. Then use describe_tool for a ' +
      "tool's arguments and call_tool to run it.",
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What you want to do, e.g. "refund a payment"' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_RESULTS, description: 'Max results (default 5)' },
      },
      required: ['query'],
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'describe_tool',
    title: 'Describe a tool',
    description: 'The full definition of one tool found with search_tools: description and input schema.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string', description: 'Tool name as returned by search_tools' } },
      required: ['name'],
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'call_tool',
    title: 'Call a tool',
    description: 'Run a tool found with search_tools, with arguments matching its input schema.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Tool name as returned by search_tools' },
        arguments: { type: 'object', description: 'Arguments for the tool', additionalProperties: true },
      },
      required: ['name'],
    },
  },
];

const META_NAMES = new Set(META_TOOLS.map((tool) => tool.name));

/** The name a client gave in its handshake (2025 era) or in the request's `_meta` (2026 era). */
export function clientNameOf(
  server: Server,
  ctx: { readonly mcpReq: Pick<ServerContext['mcpReq'], 'envelope'> } | undefined,
): string | undefined {
  const envelope = ctx?.mcpReq.envelope as Record<string, unknown> | undefined;
  const info = envelope?.[CLIENT_INFO_META_KEY] as { name?: unknown } | undefined;
  if (typeof info?.name === 'string') return info.name;
  return server.getClientVersion()?.name;
}

/** What one client is served: the mode its name and the catalog size call for. */
export function discoveryMode(
  config: DiscoveryConfig | undefined,
  clientName: string | undefined,
  catalog: Catalog,
): DiscoveryMode {
  return modeFor(config ?? DEFAULT_DISCOVERY, clientName, catalog.tools.size);
}

/** The tools listed to a client in `mode` (the meta-tools first). */
export function listedTools(mode: DiscoveryMode, catalog: Catalog): Tool[] {
  if (mode === 'full') return servedTools(catalog);
  if (mode === 'meta') return [...META_TOOLS];
  // A catalog tool with a meta-tool's name (a server with `prefix: false`) is shadowed for this client.
  return [...META_TOOLS, ...servedTools(catalog).filter((tool) => !META_NAMES.has(tool.name))];
}

/** True when `name` is a meta-tool for a client in `mode`. */
export function isMetaTool(mode: DiscoveryMode, name: string): boolean {
  return mode !== 'full' && META_NAMES.has(name);
}

/**
 * Answers `search_tools` or `describe_tool` from the catalog. `call_tool` is not answered here: the face
 * sends it down the normal call path. Bad arguments and unknown names are tool errors (`isError`), as the
 * protocol asks for input a model can correct.
 */
export function answerMetaTool(
  name: string,
  args: Record<string, unknown>,
  catalog: Catalog,
): CallToolResult {
  if (name === 'search_tools') {
    const query = args.query;
    if (typeof query !== 'string' || query.trim() === '')
      return toolError('search_tools needs a query (text)');
    const limit =
      typeof args.limit === 'number' ? Math.min(Math.max(Math.trunc(args.limit), 1), MAX_RESULTS) : 5;
    const hits = searchTools(catalog, query, limit);
    const lines = hits.map((hit, i) => `${i + 1}. ${hit.name}: ${firstLine(hit.description)}`);
    const text = hits.length ? lines.join('\n') : `No tool matches "${query.slice(0, 200)}".`;
    return { content: [{ type: 'text', text }], structuredContent: { tools: hits } };
  }
  const tool = typeof args.name === 'string' ? catalog.tools.get(args.name) : undefined;
  if (!tool) {
    return toolError(`unknown tool: ${String(args.name ?? '').slice(0, 128)} (use search_tools to find one)`);
  }
  const definition = { ...tool.definition, name: tool.name };
  return {
    content: [{ type: 'text', text: JSON.stringify(definition, null, 2) }],
    structuredContent: { tool: definition, server: tool.server },
  };
}

/**
 * The `tools/call` params `call_tool` stands for (keeping the caller's `_meta`, so progress still reaches
 * it), or the tool error to answer when its arguments are not usable.
 */
export function unwrapCallTool(
  params: Record<string, unknown>,
): { params: Record<string, unknown> } | { error: CallToolResult } {
  const args = (params.arguments ?? {}) as Record<string, unknown>;
  if (typeof args.name !== 'string')
    return { error: toolError('call_tool needs the name of the tool to call') };
  const inner = args.arguments ?? {};
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    return { error: toolError('call_tool arguments must be an object') };
  }
  return { params: { ...params, name: args.name, arguments: inner } };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function toolError(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}
