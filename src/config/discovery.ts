/**
 * The `discovery` section: which clients get the full tool list, only the discovery meta-tools
 * (`search_tools`, `describe_tool`, `call_tool`), or both. Chosen per client by the name in its
 * `clientInfo`, and/or by a limit on how many tools the client can take.
 */
import { z } from 'zod';

/** `full`: every tool; `meta`: only the meta-tools; `both`: the meta-tools first, then every tool. */
export type DiscoveryMode = 'full' | 'meta' | 'both';

/** One rule: clients whose name matches `match` get `mode` and/or `maxTools`. */
export interface ClientRule {
  /** Client name as sent in `clientInfo.name`; `*` matches any run of characters; case-insensitive. */
  match: string;
  mode?: DiscoveryMode;
  /** The client takes at most this many tools: a larger catalog is served as meta-tools only. */
  maxTools?: number;
}

export interface DiscoveryConfig {
  /** Mode for clients no rule matches (default `full`). */
  mode: DiscoveryMode;
  /** Tool limit for clients no rule gives one. */
  maxTools?: number;
  /** Rules in file order; the first that matches a client decides. */
  clients: ClientRule[];
}

export const DEFAULT_DISCOVERY: DiscoveryConfig = { mode: 'full', clients: [] };

const mode = z
  .enum(['full', 'meta', 'both'])
  .describe('full: every tool | meta: only search_tools, describe_tool, call_tool | both');
const maxTools = z
  .int()
  .min(1)
  .max(1_000_000)
  .describe('A catalog with more tools than this is served as the meta-tools only.');

/** One `discovery.clients` entry. */
export const clientRuleSchema = z.strictObject({
  match: z.string().min(1).describe('Client name from clientInfo.name; * is a wildcard; case-insensitive.'),
  mode: mode.optional(),
  maxTools: maxTools.optional(),
});

/** The `discovery` section of the config file. */
export const discoverySchema = z
  .strictObject({
    mode: mode.optional().describe('Mode for clients no rule matches (default full).'),
    maxTools: maxTools.optional(),
    clients: z.array(clientRuleSchema).optional().describe('Rules by client name; the first match wins.'),
  })
  .meta({ id: 'Discovery', description: 'Progressive discovery: what each client is served.' });

/** The model of a schema-valid section (absent or invalid: the defaults; invalid is reported by the file schema). */
export function resolveDiscovery(raw: unknown): DiscoveryConfig {
  const parsed = discoverySchema.safeParse(raw ?? {});
  if (!parsed.success) return DEFAULT_DISCOVERY;
  const { mode: chosen, maxTools: limit, clients } = parsed.data;
  return {
    mode: chosen ?? 'full',
    ...(limit !== undefined && { maxTools: limit }),
    clients: (clients ?? []).map((rule) => ({ ...rule })),
  };
}

/**
 * The mode a client gets. The first rule whose `match` fits `clientName` gives mode and limit; the section's
 * own values stand in for what it leaves out.
 */
export function modeFor(
  config: DiscoveryConfig,
  clientName: string | undefined,
  toolCount: number,
): DiscoveryMode {
  const rule =
    clientName === undefined ? undefined : config.clients.find((r) => matches(r.match, clientName));
  return ruleMode(config, rule, toolCount);
}

/**
 * The mode under one rule (or none): its mode, unless the catalog is larger than its limit, which gives
 * `meta` (`both` would be larger still).
 */
export function ruleMode(
  config: DiscoveryConfig,
  rule: ClientRule | undefined,
  toolCount: number,
): DiscoveryMode {
  const limit = rule?.maxTools ?? config.maxTools;
  if (limit !== undefined && toolCount > limit) return 'meta';
  return rule?.mode ?? config.mode;
}

// Only `*` is special: client names are free text (spaces, dots, parentheses), so a full glob syntax
// would surprise more than it helps, and this needs no library.
function matches(pattern: string, name: string): boolean {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i').test(name);
}
