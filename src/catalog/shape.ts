import type {
  Prompt,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/client';
import { type CatalogConfig, DEFAULT_SERVER_CATALOG, type ServerCatalogConfig } from '../config/model.ts';
import type { CatalogSource } from './catalog.ts';
import type { NamedItem } from './conflicts/named.ts';
import { nameTest } from './filter.ts';

/** One source after its allow/deny filters, with what every contest needs to know about it. */
export interface Shaped {
  readonly source: CatalogSource;
  readonly shaping: ServerCatalogConfig;
  readonly item: Omit<NamedItem, 'kind' | 'original' | 'rename'>;
  readonly tools: readonly Tool[];
  readonly prompts: readonly Prompt[];
  readonly resources: readonly Resource[];
  readonly templates: readonly ResourceTemplate[];
}

/** `source` after its allow/deny filters; `index` is its position in the config. */
export function shape(source: CatalogSource, index: number, config: CatalogConfig): Shaped {
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
