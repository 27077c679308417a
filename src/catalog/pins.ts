/**
 * Tool-definition pinning (rug-pull defence): each tool's definition is hashed on first sight and
 * recorded; a later listing with another hash is a change, recorded as pending until approved. Under
 * `block` a changed tool is withheld from the catalog. See docs/config.md (pinning) and SECURITY.md.
 */
import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/client';
import type { PinningPolicy } from '../config/model.ts';
import type { PinnedDefinition, PinStore } from '../store/store.ts';

/** The fields of a tool that are pinned; `_meta` and other fields are not (they change legitimately). */
export const PINNED_FIELDS = [
  'name',
  'title',
  'description',
  'inputSchema',
  'outputSchema',
  'annotations',
] as const;

/** The pinned part of `tool` (absent fields stay absent, so adding one is a change). */
export function pinnedDefinition(tool: Tool): PinnedDefinition {
  const record = tool as unknown as Record<string, unknown>;
  return Object.fromEntries(PINNED_FIELDS.filter((f) => record[f] !== undefined).map((f) => [f, record[f]]));
}

/**
 * JSON with object keys sorted at every level and no whitespace (RFC 8785 in spirit: the same value always
 * gives the same text, whatever order a server wrote its keys in). Written here because it is ten lines.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of a pinned definition. */
export function pinHash(definition: PinnedDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

/** What pinning says about one server's tools. */
export interface PinVerdict {
  /** Tools (the server's own names) to keep out of the catalog. */
  readonly withheld: ReadonlySet<string>;
  /** Tools whose listed definition differs from the approved one. */
  readonly changed: readonly string[];
}

const NOTHING: PinVerdict = { withheld: new Set(), changed: [] };

/**
 * Compares `tools` with the pins of `server`, recording first sights and changes in `store`. A tool that
 * went back to its approved definition is no longer pending.
 */
export function checkPins(
  store: PinStore,
  server: string,
  tools: readonly Tool[],
  policy: PinningPolicy,
): PinVerdict {
  if (policy === 'off') return NOTHING;
  const pins = store.forServer(server);
  const withheld = new Set<string>();
  const changed: string[] = [];
  for (const tool of tools) {
    const definition = pinnedDefinition(tool);
    const hash = pinHash(definition);
    const pin = pins.get(tool.name);
    if (!pin) store.add(server, tool.name, hash, definition);
    else if (pin.hash === hash) {
      if (pin.pending) store.setPending(server, tool.name, undefined);
    } else {
      if (pin.pending?.hash !== hash) {
        store.setPending(server, tool.name, { hash, definition, seenAt: new Date().toISOString() });
      }
      changed.push(tool.name);
      if (policy === 'block') withheld.add(tool.name);
    }
  }
  return { withheld, changed };
}
