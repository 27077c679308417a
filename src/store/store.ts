/**
 * What the hub keeps across restarts: tool-definition pins (rug-pull defence) and the names the catalog
 * served (so `conditional` naming never renames a tool). Interfaces only: `sqlite.ts` is the embedded
 * implementation; a shared PostgreSQL one can implement the same interfaces later.
 */

/** The fields of a tool definition that are pinned (hashed and compared). */
export type PinnedDefinition = Readonly<Record<string, unknown>>;

/** One tool's pin. Times are ISO 8601 strings (UTC). */
export interface PinRecord {
  readonly server: string;
  /** The server's own tool name. */
  readonly tool: string;
  /** sha256 (hex) of the approved definition's canonical JSON. */
  readonly hash: string;
  readonly definition: PinnedDefinition;
  readonly firstSeen: string;
  readonly approvedAt: string;
  /** Set while the server lists a definition other than the approved one. */
  readonly pending?: {
    readonly hash: string;
    readonly definition: PinnedDefinition;
    readonly seenAt: string;
  };
}

/** Tool-definition pins, keyed by server and tool. Writes are immediately durable. */
export interface PinStore {
  /** Every pin of `server`, by tool name. */
  forServer(server: string): Map<string, PinRecord>;
  /** Every pin, ordered by server then tool. */
  list(): PinRecord[];
  /** First sight of a tool: its definition becomes the approved one (trust on first use). */
  add(server: string, tool: string, hash: string, definition: PinnedDefinition): void;
  /** Records the definition the server lists now; `undefined` clears it (back to the approved one). */
  setPending(server: string, tool: string, pending: PinRecord['pending'] | undefined): void;
  /** Makes the pending definition the approved one. False when nothing was pending. */
  approve(server: string, tool: string): boolean;
}

/** Which catalog a remembered name belongs to. */
export type NameKind = 'tool' | 'prompt';

/** A name the catalog served, and when it was first remembered (`seq` grows with time). */
export interface RememberedName {
  readonly served: string;
  readonly seq: number;
}

/** One entry to remember. */
export interface ServedName {
  readonly kind: NameKind;
  readonly server: string;
  readonly original: string;
  readonly served: string;
}

/** Names the catalog served, so they can be kept stable across servers coming and going and restarts. */
export interface NameStore {
  /** Everything remembered, keyed by `nameKey(kind, server, original)`. */
  all(): Map<string, RememberedName>;
  /** Remembers (or updates) served names; an updated entry keeps its `seq`. */
  remember(names: readonly ServedName[]): void;
}

/** The key of a remembered name in `NameStore.all()`. */
export function nameKey(kind: NameKind, server: string, original: string): string {
  return `${kind}\0${server}\0${original}`;
}

/** The hub's state store. */
export interface Store {
  readonly pins: PinStore;
  readonly names: NameStore;
  /** True when another process wrote to the store since the last call (an approval from the CLI). */
  changedElsewhere(): boolean;
  close(): void;
}
