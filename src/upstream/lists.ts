import type {
  Client,
  Prompt,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/client';
import { PASSTHROUGH } from './passthrough.ts';

/** What one upstream offers, as it listed it (definitions kept verbatim, including `_meta`). */
export interface UpstreamLists {
  readonly tools: readonly Tool[];
  readonly prompts: readonly Prompt[];
  readonly resources: readonly Resource[];
  readonly resourceTemplates: readonly ResourceTemplate[];
}

/** The groups a list-changed notification refers to (`resources` covers templates too). */
export type ListKind = 'tools' | 'prompts' | 'resources';

export const EMPTY_LISTS: UpstreamLists = { tools: [], prompts: [], resources: [], resourceTemplates: [] };

/** Pages walked per list before the walk stops (a defence against a `nextCursor` that never ends). */
const MAX_PAGES = 100;

/** Fetches every list the server's capabilities say it has, in parallel. */
export async function fetchLists(client: Client, signal: AbortSignal): Promise<UpstreamLists> {
  const caps = client.getServerCapabilities() ?? {};
  const [tools, prompts, resources, resourceTemplates] = await Promise.all([
    caps.tools ? walk<Tool>(client, 'tools/list', 'tools', signal) : [],
    caps.prompts ? walk<Prompt>(client, 'prompts/list', 'prompts', signal) : [],
    caps.resources ? walk<Resource>(client, 'resources/list', 'resources', signal) : [],
    caps.resources
      ? walk<ResourceTemplate>(client, 'resources/templates/list', 'resourceTemplates', signal)
      : [],
  ]);
  return { tools, prompts, resources, resourceTemplates };
}

/** Re-fetches one group after the server said it changed. */
export async function refreshList(
  client: Client,
  lists: UpstreamLists,
  kind: ListKind,
): Promise<UpstreamLists> {
  const signal = AbortSignal.timeout(30_000);
  if (kind === 'tools') return { ...lists, tools: await walk<Tool>(client, 'tools/list', 'tools', signal) };
  if (kind === 'prompts')
    return { ...lists, prompts: await walk<Prompt>(client, 'prompts/list', 'prompts', signal) };
  const [resources, resourceTemplates] = await Promise.all([
    walk<Resource>(client, 'resources/list', 'resources', signal),
    walk<ResourceTemplate>(client, 'resources/templates/list', 'resourceTemplates', signal),
  ]);
  return { ...lists, resources, resourceTemplates };
}

/**
 * Follows `nextCursor` to the end. Items without the identifying string field (`name`, or `uri` /
 * `uriTemplate`) are dropped rather than failing the whole list; a repeated cursor ends the walk.
 */
async function walk<T>(client: Client, method: string, key: string, signal: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = cursor === undefined ? {} : { cursor };
    const result = (await client.request({ method, params }, PASSTHROUGH, { signal })) as Record<
      string,
      unknown
    >;
    const pageItems = result[key];
    if (Array.isArray(pageItems)) items.push(...(pageItems.filter((item) => isListItem(item, key)) as T[]));
    const next = result.nextCursor;
    if (typeof next !== 'string' || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return items;
}

function isListItem(item: unknown, key: string): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const record = item as Record<string, unknown>;
  if (key === 'resources') return typeof record.uri === 'string';
  if (key === 'resourceTemplates') return typeof record.uriTemplate === 'string';
  return typeof record.name === 'string' && record.name.length > 0;
}
