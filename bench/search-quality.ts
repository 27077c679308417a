/**
 * Search quality on the 20-service, 1,081-tool catalog of the many-tools fixture (`npm run bench:search`):
 * the share of requests whose right tool is in `search_tools`' top 3, for the acceptance set the ranking
 * was tuned on (`test/discovery/queries.ts`) and for a held-out set written afterwards and never used to
 * tune it (`bench/search-held-out.ts`). The held-out figure is the honest one. Prints each miss.
 */
import type { Tool } from '@modelcontextprotocol/client';
import { buildCatalog } from '../src/catalog/catalog.ts';
import { searchTools } from '../src/catalog/search.ts';
import { QUERIES } from '../test/discovery/queries.ts';
import { DOMAINS, toolsFor } from '../test/fixtures/servers/_vocabulary.ts';
import { HELD_OUT } from './search-held-out.ts';

/** The tools as the fixture serves them: each argument a property with its description. */
function served(domain: string): Tool[] {
  return toolsFor(domain).map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(tool.args).map(([arg, description]) => [
          arg,
          { type: arg === 'limit' ? 'integer' : 'string', description },
        ]),
      ),
      required: tool.required,
    },
  }));
}

const catalog = buildCatalog(
  Object.keys(DOMAINS).map((name) => ({
    name,
    prefix: true,
    lists: { tools: served(name), prompts: [], resources: [], resourceTemplates: [] },
  })),
);
console.log(`catalog: ${catalog.tools.size} tools from ${Object.keys(DOMAINS).length} services`);
for (const [label, set] of [
  ['tuned (acceptance set)', QUERIES],
  ['held out', HELD_OUT],
] as const) {
  let found = 0;
  for (const { query, expect } of set) {
    const top = searchTools(catalog, query, 3).map((hit) => hit.name);
    if (top.some((name) => expect.includes(name))) found += 1;
    else console.log(`  miss: "${query}" → ${top.join(', ')} (wanted ${expect.join(' or ')})`);
  }
  console.log(`${label}: ${found}/${set.length} in the top 3 (${Math.round((100 * found) / set.length)} %)`);
}
