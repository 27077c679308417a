import {
  type Prompt,
  type Resource,
  type ResourceTemplateType as ResourceTemplate,
  type Tool,
  UriTemplate,
} from '@modelcontextprotocol/client';
import type { UpstreamLists } from '../upstream/lists.ts';
import { exposedName } from './naming.ts';

/** One tool or prompt as served: the exposed name, where it comes from, and its definition as listed. */
export interface CatalogEntry<T> {
  readonly name: string;
  readonly server: string;
  readonly original: string;
  readonly definition: T;
}

/** Two servers offered the same exposed name or URI; the first in config order was kept. */
export interface Conflict {
  readonly kind: 'tool' | 'prompt' | 'resource';
  readonly name: string;
  readonly kept: string;
  readonly dropped: string;
}

/** An immutable snapshot of everything the hub serves. Rebuilt whole whenever an upstream's lists change. */
export interface Catalog {
  readonly tools: ReadonlyMap<string, CatalogEntry<Tool>>;
  readonly prompts: ReadonlyMap<string, CatalogEntry<Prompt>>;
  /** By URI, exactly as the upstream listed it (URIs are not rewritten). */
  readonly resources: ReadonlyMap<string, { server: string; definition: Resource }>;
  readonly templates: readonly { server: string; definition: ResourceTemplate; matcher: UriTemplate }[];
  readonly conflicts: readonly Conflict[];
}

/** What the catalog needs to know about one upstream. */
export interface CatalogSource {
  readonly name: string;
  readonly prefix: boolean;
  readonly lists: UpstreamLists;
}

export const EMPTY_CATALOG: Catalog = buildCatalog([]);

/**
 * Merges the lists of all upstreams, in config order, so the result is deterministic. Maps are keyed by
 * `Map` (never plain objects) so names such as `__proto__` are just names.
 */
export function buildCatalog(sources: readonly CatalogSource[]): Catalog {
  const tools = new Map<string, CatalogEntry<Tool>>();
  const prompts = new Map<string, CatalogEntry<Prompt>>();
  const resources = new Map<string, { server: string; definition: Resource }>();
  const templates: { server: string; definition: ResourceTemplate; matcher: UriTemplate }[] = [];
  const conflicts: Conflict[] = [];
  for (const source of sources) {
    addNamed(tools, 'tool', source, source.lists.tools, conflicts);
    addNamed(prompts, 'prompt', source, source.lists.prompts, conflicts);
    for (const definition of source.lists.resources) {
      const kept = resources.get(definition.uri);
      if (kept)
        conflicts.push({ kind: 'resource', name: definition.uri, kept: kept.server, dropped: source.name });
      else resources.set(definition.uri, { server: source.name, definition });
    }
    for (const definition of source.lists.resourceTemplates) {
      const matcher = parseTemplate(definition.uriTemplate);
      if (matcher) templates.push({ server: source.name, definition, matcher });
    }
  }
  return { tools, prompts, resources, templates, conflicts };
}

function addNamed<T extends { name: string }>(
  into: Map<string, CatalogEntry<T>>,
  kind: 'tool' | 'prompt',
  source: CatalogSource,
  items: readonly T[],
  conflicts: Conflict[],
): void {
  for (const definition of items) {
    const name = exposedName(source.name, definition.name, source.prefix);
    const kept = into.get(name);
    if (kept) {
      conflicts.push({ kind, name, kept: kept.server, dropped: source.name });
      continue;
    }
    into.set(name, { name, server: source.name, original: definition.name, definition });
  }
}

function parseTemplate(template: string): UriTemplate | undefined {
  try {
    return new UriTemplate(template);
  } catch {
    return undefined; // an upstream's malformed template cannot route anything; skip it
  }
}

/** The server that owns `uri`: an exact listed resource first, then the first matching template. */
export function resourceOwner(catalog: Catalog, uri: string): string | undefined {
  const exact = catalog.resources.get(uri);
  if (exact) return exact.server;
  return catalog.templates.find((entry) => entry.matcher.match(uri) !== null)?.server;
}

/** Tool definitions as served to clients: the upstream definition with the exposed name. */
export function servedTools(catalog: Catalog): Tool[] {
  return [...catalog.tools.values()].map((entry) => ({ ...entry.definition, name: entry.name }));
}

/** Prompt definitions as served to clients. */
export function servedPrompts(catalog: Catalog): Prompt[] {
  return [...catalog.prompts.values()].map((entry) => ({ ...entry.definition, name: entry.name }));
}
