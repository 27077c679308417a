import type { ResultTypeMap } from '@modelcontextprotocol/server';
import { type Catalog, servedPrompts, servedResources, servedTemplates } from '../catalog/catalog.ts';
import { listFingerprint } from '../catalog/fingerprint.ts';
import type { DiscoveryConfig, DiscoveryMode } from '../config/discovery.ts';
import { reusedResult } from '../protocol/reused-results.ts';
import { discoveryMode, listedTools } from './meta-tools.ts';
import { cursorOffset, pageAt } from './pagination.ts';

/** The list requests, each answered from the catalog. */
export const LIST_METHODS = [
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
] as const;
export type ListMethod = (typeof LIST_METHODS)[number];
export type ListResult<M extends ListMethod> = ResultTypeMap[M];

/** One list as one client mode is served it in one snapshot, and its pages made so far, by offset. */
interface ServedList {
  readonly field: string;
  readonly items: readonly unknown[];
  readonly key: () => string;
  readonly pages: Map<number, ListResult<ListMethod>>;
}

/**
 * The pages of the four lists, per catalog snapshot. A page is made once per snapshot, discovery mode and
 * offset, and sent to every client that asks for it as one object, which the faces serialise once
 * (`reusedResult`): after a list-changed every client lists again, and a catalog of 2,000 tools is 4 pages
 * of about 0.5 ms of `JSON.stringify` each. A snapshot's pages go with it; there are at most as many as
 * the list has pages (`cursorOffset` refuses any other offset).
 */
export class ListPages {
  readonly #lists = new WeakMap<Catalog, Map<string, ServedList>>();

  /**
   * One page of `method`'s list in `snapshot`, as `clientName` is served it (its discovery mode). Not to be
   * changed: the same object answers every client.
   * @throws ProtocolError -32602 for a cursor that is malformed, of a list that changed since, or not one
   *   the hub issued.
   */
  page<M extends ListMethod>(
    snapshot: Catalog,
    discovery: DiscoveryConfig | undefined,
    method: M,
    cursor: string | undefined,
    clientName?: string,
  ): ListResult<M> {
    const mode = method === 'tools/list' ? discoveryMode(discovery, clientName, snapshot) : undefined;
    const list = this.#list(snapshot, method, mode);
    const offset = cursorOffset(cursor, list.key, list.items.length);
    let result = list.pages.get(offset);
    if (!result) {
      const { items, nextCursor } = pageAt(list.items, list.key, offset);
      result = reusedResult({ [list.field]: items, ...(nextCursor && { nextCursor }) } as ListResult<M>);
      list.pages.set(offset, result);
    }
    return result as ListResult<M>;
  }

  #list(snapshot: Catalog, method: ListMethod, mode: DiscoveryMode | undefined): ServedList {
    let lists = this.#lists.get(snapshot);
    if (!lists) {
      lists = new Map();
      this.#lists.set(snapshot, lists);
    }
    const name = `${method} ${mode ?? ''}`;
    let list = lists.get(name);
    if (!list) {
      list = { ...served(snapshot, method, mode), pages: new Map() };
      lists.set(name, list);
    }
    return list;
  }
}

/** What `method` lists in `snapshot` (tools in `mode`), under which result field, and the list's key. */
function served(snapshot: Catalog, method: ListMethod, mode: DiscoveryMode | undefined) {
  if (method === 'tools/list') {
    return {
      field: 'tools',
      items: listedTools(mode ?? 'full', snapshot),
      key: () => `${listFingerprint(snapshot, 'tools')}-${mode}`,
    };
  }
  if (method === 'prompts/list') {
    return {
      field: 'prompts',
      items: servedPrompts(snapshot),
      key: () => listFingerprint(snapshot, 'prompts'),
    };
  }
  const key = () => listFingerprint(snapshot, 'resources');
  if (method === 'resources/list') return { field: 'resources', items: servedResources(snapshot), key };
  return { field: 'resourceTemplates', items: servedTemplates(snapshot), key };
}
