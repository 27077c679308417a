import type {
  Prompt,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
  UriTemplate,
} from '@modelcontextprotocol/client';
import { type CatalogConfig, DEFAULT_CATALOG, type ServerCatalogConfig } from '../config/model.ts';
import type { RememberedName } from '../store/store.ts';
import type { UpstreamLists } from '../upstream/lists.ts';
import type { Conflict } from './conflicts/named.ts';
import { mergeNamed, mergeUris } from './merge.ts';
import { shape } from './shape.ts';

export type { Conflict } from './conflicts/named.ts';

/** One tool or prompt as served: the exposed name, where it comes from, and its definition as served. */
export interface CatalogEntry<T> {
  readonly name: string;
  readonly server: string;
  /** The server's own name for it. */
  readonly original: string;
  /** As clients see it: the exposed name, overrides applied, hidden characters stripped from texts. */
  readonly definition: T;
}

/** A tool kept out of the catalog because its definition changed and pinning blocks it until approved. */
export interface WithheldTool {
  readonly name: string;
  readonly server: string;
  readonly original: string;
}

/** An immutable snapshot of everything the hub serves. Rebuilt whole whenever an upstream's lists change. */
export interface Catalog {
  readonly tools: ReadonlyMap<string, CatalogEntry<Tool>>;
  readonly prompts: ReadonlyMap<string, CatalogEntry<Prompt>>;
  /** By URI, exactly as the upstream listed it (URIs are not rewritten). */
  readonly resources: ReadonlyMap<string, { server: string; definition: Resource }>;
  readonly templates: readonly { server: string; definition: ResourceTemplate; matcher: UriTemplate }[];
  /** Every name, URI or template offered by more than one server, and how it was resolved. */
  readonly conflicts: readonly Conflict[];
  /** Tools withheld by pinning, by the name they are served under once approved. */
  readonly withheld: ReadonlyMap<string, WithheldTool>;
}

/** What the catalog needs to know about one upstream. */
export interface CatalogSource {
  readonly name: string;
  readonly prefix: boolean;
  readonly lists: UpstreamLists;
  /** Filters, overrides and the server's conflict strategy (default: none, the global strategy). */
  readonly catalog?: ServerCatalogConfig;
  /** `serverInfo.version` from the last handshake (the `version` strategy). */
  readonly version?: string;
  /** The server's own names of tools that pinning withholds. */
  readonly withheld?: ReadonlySet<string>;
}

/** Global settings and what earlier catalogs served. */
export interface CatalogOptions {
  readonly catalog?: CatalogConfig;
  /** Names served before (`conditional`), keyed by `nameKey`. */
  readonly remembered?: ReadonlyMap<string, RememberedName>;
}

export const EMPTY_CATALOG: Catalog = buildCatalog([]);

/**
 * Merges the lists of all upstreams, in config order, so the result is deterministic: filters first, then
 * names (conflict strategies, renames, explicit owners), then overrides. Pure: the same input gives the
 * same catalog. Maps are keyed by `Map` (never plain objects) so names such as `__proto__` are just names.
 */
export function buildCatalog(sources: readonly CatalogSource[], options: CatalogOptions = {}): Catalog {
  const config = options.catalog ?? DEFAULT_CATALOG;
  const context = { catalog: config, remembered: options.remembered ?? new Map() };
  const shaped = sources.map((source, index) => shape(source, index, config));
  const conflicts: Conflict[] = [];
  const withheld = new Map<string, WithheldTool>();
  const tools = mergeNamed(shaped, 'tools', context, conflicts, (entry, source) => {
    if (!source.withheld?.has(entry.original)) return true;
    withheld.set(entry.name, { name: entry.name, server: entry.server, original: entry.original });
    return false;
  });
  const prompts = mergeNamed(shaped, 'prompts', context, conflicts, () => true);
  const { resources, templates } = mergeUris(shaped, config, conflicts);
  return { tools, prompts, resources, templates, conflicts, withheld };
}

/** The server that owns `uri`: an exact listed resource first, then the first matching template. */
export function resourceOwner(catalog: Catalog, uri: string): string | undefined {
  const exact = catalog.resources.get(uri);
  if (exact) return exact.server;
  return catalog.templates.find((entry) => entry.matcher.match(uri) !== null)?.server;
}

/** Tool definitions as served to clients. */
export function servedTools(catalog: Catalog): Tool[] {
  return [...catalog.tools.values()].map((entry) => entry.definition);
}

/** Prompt definitions as served to clients. */
export function servedPrompts(catalog: Catalog): Prompt[] {
  return [...catalog.prompts.values()].map((entry) => entry.definition);
}

/** Resource definitions as served to clients. */
export function servedResources(catalog: Catalog): Resource[] {
  return [...catalog.resources.values()].map((entry) => entry.definition);
}

/** Resource template definitions as served to clients. */
export function servedTemplates(catalog: Catalog): ResourceTemplate[] {
  return catalog.templates.map((entry) => entry.definition);
}
