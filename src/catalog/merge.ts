/**
 * The merge steps of `buildCatalog`: served names for tools and prompts (with overrides applied and texts
 * cleaned), and owners for resource URIs and templates.
 */
import {
  type Resource,
  type ResourceTemplateType as ResourceTemplate,
  UriTemplate,
} from '@modelcontextprotocol/client';
import type { CatalogConfig } from '../config/model.ts';
import type { Catalog, CatalogEntry, CatalogSource } from './catalog.ts';
import { type Conflict, type NamedItem, type NamingContext, placeNamed } from './conflicts/named.ts';
import { placeUris } from './conflicts/uris.ts';
import type { Shaped } from './shape.ts';
import { cleanTexts, stripHidden } from './text.ts';

/**
 * Tools or prompts of every source by served name. `admit` decides whether an entry is served (pinning
 * withholds some); conflicts found are appended to `conflicts`.
 */
export function mergeNamed<K extends 'tools' | 'prompts'>(
  shaped: readonly Shaped[],
  key: K,
  context: NamingContext,
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
    const served = {
      ...cleanTexts(definition),
      name,
      ...(override?.title !== undefined && { title: stripHidden(override.title) }),
      ...(override?.description !== undefined && { description: stripHidden(override.description) }),
    };
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

/** Resources by URI and templates with their matchers, one owner each; conflicts are appended. */
export function mergeUris(
  shaped: readonly Shaped[],
  config: CatalogConfig,
  conflicts: Conflict[],
): Pick<Catalog, 'resources' | 'templates'> {
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
  const templates: { server: string; definition: ResourceTemplate; matcher: UriTemplate }[] = [];
  templateItems.forEach((item, i) => {
    const matcher = placedTemplates.kept[i] ? parseTemplate(item.uri) : undefined;
    if (matcher) templates.push({ server: item.server, definition: cleanTexts(item.definition), matcher });
  });
  conflicts.push(...placedResources.conflicts, ...placedTemplates.conflicts);
  return { resources, templates };
}

function parseTemplate(template: string): UriTemplate | undefined {
  try {
    return new UriTemplate(template);
  } catch {
    return undefined; // an upstream's malformed template cannot route anything; skip it
  }
}
