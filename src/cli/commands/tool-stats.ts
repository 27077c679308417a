/** `toolmesh tools --stats`: what the catalog costs in tokens, per server and per client mode. */
import type { Catalog } from '../../catalog/catalog.ts';
import { costPerServer, estimateTokens, type ServerCost } from '../../catalog/tokens.ts';
import {
  DEFAULT_DISCOVERY,
  type DiscoveryConfig,
  type DiscoveryMode,
  ruleMode,
} from '../../config/discovery.ts';
import { listedTools } from '../../server/meta-tools.ts';
import { printJson, printTable } from '../output.ts';

const ESTIMATE = 'estimated tokens: JSON of each tool as listed, 4 characters per token';
const MODES: readonly DiscoveryMode[] = ['full', 'meta', 'both'];

export interface CatalogCost {
  estimate: string;
  servers: ServerCost[];
  modes: { mode: DiscoveryMode; tools: number; tokens: number }[];
  /** Each configured client rule, then clients no rule matches: the mode they get and its cost. */
  clients: { match: string; mode: DiscoveryMode; tokens: number }[];
}

/** The cost report for `catalog` under the `discovery` config. */
export function catalogCost(catalog: Catalog, discovery: DiscoveryConfig = DEFAULT_DISCOVERY): CatalogCost {
  const modes = MODES.map((mode) => {
    const tools = listedTools(mode, catalog);
    return { mode, tools: tools.length, tokens: estimateTokens(tools) };
  });
  const tokensOf = (mode: DiscoveryMode) => modes.find((m) => m.mode === mode)?.tokens ?? 0;
  const size = catalog.tools.size;
  const clients = [
    ...discovery.clients.map((rule) => ({ match: rule.match, mode: ruleMode(discovery, rule, size) })),
    { match: '(any other client)', mode: ruleMode(discovery, undefined, size) },
  ].map((client) => ({ ...client, tokens: tokensOf(client.mode) }));
  return { estimate: ESTIMATE, servers: costPerServer(catalog), modes, clients };
}

/** Prints the report as three tables, or as JSON. */
export function printCatalogCost(cost: CatalogCost, json: boolean): void {
  if (json) {
    printJson(cost);
    return;
  }
  const n = (value: number) => value.toLocaleString('en-US');
  const total = cost.servers.reduce(
    (sum, s) => ({ tools: sum.tools + s.tools, tokens: sum.tokens + s.tokens }),
    {
      tools: 0,
      tokens: 0,
    },
  );
  printTable(
    ['SERVER', 'TOOLS', 'TOKENS'],
    [...cost.servers, { server: 'total', ...total }].map((s) => [s.server, n(s.tools), n(s.tokens)]),
  );
  process.stdout.write('\n');
  printTable(
    ['MODE', 'TOOLS', 'TOKENS'],
    cost.modes.map((m) => [m.mode, n(m.tools), n(m.tokens)]),
  );
  process.stdout.write('\n');
  printTable(
    ['CLIENT', 'MODE', 'TOKENS'],
    cost.clients.map((c) => [c.match, c.mode, n(c.tokens)]),
  );
  process.stdout.write(`\n(${cost.estimate})\n`);
}
