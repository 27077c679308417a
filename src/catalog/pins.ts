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
 * The pending changes one hub may replace or clear: those it recorded itself, and those recorded before it
 * started (by an earlier run, or a hub that has stopped). A pending change another hub recorded while this
 * one runs is left for review: hubs that share a store can see different definitions of the same tool (two
 * configs, two versions of a server), and each clearing or replacing the other's record made the two
 * rewrite it every second, each write a rebuild and a warning in the other.
 */
export class PendingClaims {
  readonly #since: number;
  /** `server\0tool` → the `seenAt` of the pending record this hub wrote: a record is known by it. */
  readonly #mine = new Map<string, string>();

  /** `since`: when this hub started (ms since the epoch). */
  constructor(since = Date.now()) {
    this.#since = since;
  }

  /** True when this hub may replace or clear `pending`, the pending change of `server`'s `tool`. */
  mayChange(server: string, tool: string, pending: { seenAt: string }): boolean {
    return (
      this.#mine.get(`${server}\0${tool}`) === pending.seenAt || Date.parse(pending.seenAt) < this.#since
    );
  }

  /** This hub wrote the pending record of `server`'s `tool`, at `seenAt`; undefined: it cleared it. */
  wrote(server: string, tool: string, seenAt: string | undefined): void {
    if (seenAt === undefined) this.#mine.delete(`${server}\0${tool}`);
    else this.#mine.set(`${server}\0${tool}`, seenAt);
  }
}

/**
 * Compares `tools` with the pins of `server`, recording first sights and changes in `store`. A tool that
 * went back to its approved definition is no longer pending. `claims` says which pending records this hub
 * may touch (see {@link PendingClaims}).
 */
export function checkPins(
  store: PinStore,
  server: string,
  tools: readonly Tool[],
  policy: PinningPolicy,
  claims: PendingClaims,
): PinVerdict {
  if (policy === 'off') return NOTHING;
  const pins = store.forServer(server);
  const withheld = new Set<string>();
  const changed: string[] = [];
  for (const tool of tools) {
    const definition = pinnedDefinition(tool);
    const hash = pinHash(definition);
    const pin = pins.get(tool.name);
    const { pending } = pin ?? {};
    if (!pin) store.add(server, tool.name, hash, definition);
    else if (pin.hash === hash) {
      if (pending && claims.mayChange(server, tool.name, pending)) {
        store.setPending(server, tool.name, undefined);
        claims.wrote(server, tool.name, undefined);
      }
    } else {
      if (pending?.hash !== hash && (!pending || claims.mayChange(server, tool.name, pending))) {
        const seenAt = new Date().toISOString();
        store.setPending(server, tool.name, { hash, definition, seenAt });
        claims.wrote(server, tool.name, seenAt);
      }
      changed.push(tool.name);
      if (policy === 'block') withheld.add(tool.name);
    }
  }
  return { withheld, changed };
}
