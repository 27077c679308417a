import type { ResultTypeMap } from '@modelcontextprotocol/server';
import { type Catalog, servedPrompts, servedResources, servedTemplates } from '../catalog/catalog.ts';
import { listFingerprint } from '../catalog/fingerprint.ts';
import type { DiscoveryConfig } from '../config/discovery.ts';
import { reusedResult } from '../protocol/reused-results.ts';
import { discoveryMode, listedTools } from './meta-tools.ts';
import { page } from './pagination.ts';

/** The list requests, each answered from the catalog. */
export const LIST_METHODS = [
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
] as const;
export type ListMethod = (typeof LIST_METHODS)[number];
export type ListResult<M extends ListMethod> = ResultTypeMap[M];

/**
 * The pages of the four lists, per catalog snapshot. A page is made once per snapshot, discovery mode and
 * cursor, and sent to every client that asks for it as one object, which the faces serialise once
 * (`reusedResult`): after a list-changed every client lists again, and a catalog of 2,000 tools is 4 pages
 * of about 0.5 ms of `JSON.stringify` each. The pages of a snapshot go with it.
 */
export class ListPages {
  readonly #made = new WeakMap<Catalog, Map<string, ListResult<ListMethod>>>();

  /**
   * One page of `method`'s list in `snapshot`, as `clientName` is served it (its discovery mode). Not to be
   * changed: the same object answers every client.
   * @throws ProtocolError -32602 for a cursor that is malformed or of a list that changed since.
   */
  page<M extends ListMethod>(
    snapshot: Catalog,
    discovery: DiscoveryConfig | undefined,
    method: M,
    cursor: string | undefined,
    clientName?: string,
  ): ListResult<M> {
    const mode = method === 'tools/list' ? discoveryMode(discovery, clientName, snapshot) : undefined;
    let made = this.#made.get(snapshot);
    if (!made) {
      made = new Map();
      this.#made.set(snapshot, made);
    }
    const key = `${method} ${mode ?? ''} ${cursor ?? ''}`;
    let result = made.get(key);
    if (!result) {
      result = reusedResult(build(snapshot, method, mode, cursor));
      made.set(key, result); // only pages of valid cursors: `build` throws for any other
    }
    return result as ListResult<M>;
  }
}

function build(
  snapshot: Catalog,
  method: ListMethod,
  mode: ReturnType<typeof discoveryMode> | undefined,
  cursor: string | undefined,
): ListResult<ListMethod> {
  if (method === 'tools/list') {
    const key = () => `${listFingerprint(snapshot, 'tools')}-${mode}`;
    return listPage('tools', page(listedTools(mode ?? 'full', snapshot), key, cursor));
  }
  if (method === 'prompts/list') {
    const key = () => listFingerprint(snapshot, 'prompts');
    return listPage('prompts', page(servedPrompts(snapshot), key, cursor));
  }
  const key = () => listFingerprint(snapshot, 'resources');
  if (method === 'resources/list') return listPage('resources', page(servedResources(snapshot), key, cursor));
  return listPage('resourceTemplates', page(servedTemplates(snapshot), key, cursor));
}

/** A list result: the page's items under `field`, and the cursor of the next page if there is one. */
function listPage(field: string, { items, nextCursor }: { items: unknown[]; nextCursor?: string }) {
  return { [field]: items, ...(nextCursor && { nextCursor }) } as ListResult<ListMethod>;
}
