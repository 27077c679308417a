import { createHash } from 'node:crypto';
import type { ListKind } from '../upstream/lists.ts';
import { type Catalog, servedPrompts, servedResources, servedTemplates, servedTools } from './catalog.ts';

const fingerprints = new WeakMap<Catalog, Partial<Record<ListKind, string>>>();

/**
 * A short digest of what clients are served of one kind of list in `catalog` (for `resources`, the
 * resources and the templates). Two catalogs with the same digest serve the same list, so a rebuild that
 * changed nothing a client sees (a store change made by another hub, a server that restarted with the same
 * tools) is neither announced nor a reason to expire a client's cursor. Computed once per catalog and kind.
 */
export function listFingerprint(catalog: Catalog, kind: ListKind): string {
  let known = fingerprints.get(catalog);
  if (!known) {
    known = {};
    fingerprints.set(catalog, known);
  }
  known[kind] ??= createHash('sha256')
    .update(JSON.stringify(servedList(catalog, kind)))
    .digest('base64url')
    .slice(0, 16);
  return known[kind];
}

function servedList(catalog: Catalog, kind: ListKind): unknown {
  if (kind === 'tools') return servedTools(catalog);
  if (kind === 'prompts') return servedPrompts(catalog);
  return [servedResources(catalog), servedTemplates(catalog)];
}
