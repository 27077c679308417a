/**
 * What a tool catalog costs a model: an estimate of the tokens its tool definitions take in a prompt.
 *
 * The estimate is the length of the definition as JSON (as `tools/list` sends it) divided by 4, rounded
 * up: the usual rule of thumb for English text and JSON with BPE tokenizers (typically within ±20 % of
 * OpenAI's o200k and Anthropic's tokenizers). A real tokenizer package was not used: the small ones are
 * tens of MB of vocabulary, and no model's count is *the* count, since each host wraps tools in its own
 * prompt format.
 */
import type { Tool } from '@modelcontextprotocol/client';
import type { Catalog } from './catalog.ts';

/** Estimated tokens of `tools` as listed (see the module comment for the method). */
export function estimateTokens(tools: readonly Tool[]): number {
  return tools.reduce((sum, tool) => sum + Math.ceil(JSON.stringify(tool).length / 4), 0);
}

/** One server's share of the catalog. */
export interface ServerCost {
  server: string;
  tools: number;
  tokens: number;
}

/** Tool count and estimated tokens per server, in catalog order. */
export function costPerServer(catalog: Catalog): ServerCost[] {
  const costs = new Map<string, ServerCost>();
  for (const entry of catalog.tools.values()) {
    const cost = costs.get(entry.server) ?? { server: entry.server, tools: 0, tokens: 0 };
    cost.tools += 1;
    cost.tokens += estimateTokens([{ ...entry.definition, name: entry.name }]);
    costs.set(entry.server, cost);
  }
  return [...costs.values()];
}
