import {
  type Prompt,
  type Resource,
  type ResourceTemplateType as ResourceTemplate,
  type Tool,
  UriTemplate,
} from '@modelcontextprotocol/client';
import {
  type CatalogConfig,
  DEFAULT_CATALOG,
  DEFAULT_SERVER_CATALOG,
  type ServerCatalogConfig,
} from '../config/model.ts';
import type { RememberedName } from '../store/store.ts';
import type { UpstreamLists } from '../upstream/lists.ts';
import { type Conflict, type NamedItem, placeNamed } from './conflicts/named.ts';
import { placeUris } from './conflicts/uris.ts';
import { nameTest } from './filter.ts';
import { cleanTexts } from './text.ts';

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

  const resourceItems = shaped.flatMap((s) =>
    s.resources.map((definition) => ({ ...s.item, uri: definition.uri, definition })),
  );
  const placedResources = placeUris('resource', resourceItems, config);
  const resources = new Map<string, { server: string; definition: Resource }>();
  resourceItems.forEach((item, i) => {
    if (placedResources.kept[i])
      resources.set(item.uri, { server: item.server, definition: cleanTexts(item.definition) });
  });
  const templateItems = shaped.flatMap((s) =>
    s.templates.map((definition) => ({ ...s.item, uri: definition.uriTemplate, definition })),
  );
  const placedTemplates = placeUris('template', templateItems, config);
  const templates: Catalog['templates'][number][] = [];
  templateItems.forEach((item, i) => {
    const matcher = placedTemplates.kept[i] ? parseTemplate(item.uri) : undefined;
    if (matcher) templates.push({ server: item.server, definition: cleanTexts(item.definition), matcher });
  });
  conflicts.push(...placedResources.conflicts, ...placedTemplates.conflicts);
  return { tools, prompts, resources, templates, conflicts, withheld };
}

/** One source after its allow/deny filters, with what every contest needs to know about it. */
interface Shaped {
  readonly source: CatalogSource;
  readonly shaping: ServerCatalogConfig;
  readonly item: Omit<NamedItem, 'kind' | 'original' | 'rename'>;
  readonly tools: readonly Tool[];
  readonly prompts: readonly Prompt[];
  readonly resources: readonly Resource[];
  readonly templates: readonly ResourceTemplate[];
}

function shape(source: CatalogSource, index: number, config: CatalogConfig): Shaped {
  const shaping = source.catalog ?? DEFAULT_SERVER_CATALOG;
  const tools = nameTest(shaping.tools);
  const prompts = nameTest(shaping.prompts);
  const resources = nameTest(shaping.resources);
  return {
    source,
    shaping,
    item: {
      server: source.name,
      index,
      prefix: source.prefix,
      strategy: shaping.conflicts ?? config.conflicts,
      ...(source.version !== undefined && { version: source.version }),
    },
    tools: source.lists.tools.filter((tool) => tools(tool.name)),
    prompts: source.lists.prompts.filter((prompt) => prompts(prompt.name)),
    resources: source.lists.resources.filter((resource) => resources(resource.uri)),
    templates: source.lists.resourceTemplates.filter((template) => resources(template.uriTemplate)),
  };
}

function mergeNamed<K extends 'tools' | 'prompts'>(
  shaped: readonly Shaped[],
  key: K,
  context: Parameters<typeof placeNamed>[1],
  conflicts: Conflict[],
  admit: (entry: CatalogEntry<Shaped[K][number]>, source: CatalogSource) => boolean,
): Map<string, CatalogEntry<Shaped[K][number]>> {
  const kind = key === 'tools' ? 'tool' : 'prompt';
  const rows = shaped.flatMap((s) => s[key].map((definition) => ({ s, definition })));
  const items: NamedItem[] = rows.map(({ s, definition }) => {
    const rename = kind === 'tool' ? s.shaping.overrides.get(definition.name)?.name : undefined;
    return { ...s.item, kind, original: definition.name, ...(rename !== undefined && { rename }) };
  });
  const placed = placeNamed(items, context);
  conflicts.push(...placed.conflicts);
  const merged = new Map<string, CatalogEntry<Shaped[K][number]>>();
  rows.forEach(({ s, definition }, i) => {
    const name = placed.served[i];
    if (name === undefined) return;
    const override = kind === 'tool' ? s.shaping.overrides.get(definition.name) : undefined;
    const served = cleanTexts({
      ...definition,
      name,
      ...(override?.title !== undefined && { title: override.title }),
      ...(override?.description !== undefined && { description: override.description }),
    });
    const entry = { name, server: s.source.name, original: definition.name, definition: served };
    const holder = merged.get(name);
    if (holder) {
      conflicts.push(takenConflict(kind, name, holder, entry));
      return;
    }
    if (admit(entry, s.source)) merged.set(name, entry);
  });
  return merged;
}

/** A served name that two different items ended up with (a bare name equal to another's prefixed one). */
function takenConflict(
  kind: 'tool' | 'prompt',
  name: string,
  holder: CatalogEntry<unknown>,
  latecomer: CatalogEntry<unknown>,
): Conflict {
  return {
    kind,
    name,
    decidedBy: 'none',
    winner: holder.server,
    reason: `the served name "${name}" was already taken: the first in config order keeps it`,
    entries: [
      { server: holder.server, original: holder.original, served: name },
      { server: latecomer.server, original: latecomer.original },
    ],
  };
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

/** Tool definitions as served to clients. */
export function servedTools(catalog: Catalog): Tool[] {
  return [...catalog.tools.values()].map((entry) => entry.definition);
}

/** Prompt definitions as served to clients. */
export function servedPrompts(catalog: Catalog): Prompt[] {
  return [...catalog.prompts.values()].map((entry) => entry.definition);
}
