import type { ListKind } from '../upstream/lists.ts';
import type { Catalog } from './catalog.ts';
import { listFingerprint } from './fingerprint.ts';

/** Changes are announced after this quiet period, so a burst of changes is one notification per kind. */
const COALESCE_MS = 25;

/**
 * Decides when and of what clients hear that the catalog changed: after a quiet period, once per kind,
 * and only for the kinds whose served lists differ from what clients were last told of. A rebuild that
 * changed nothing they see (another hub's write to a shared store, a server that restarted with the same
 * tools, a config reload that touched something else) would otherwise make every client list again.
 */
export class ListChanges {
  readonly #current: () => Catalog;
  readonly #announce: (kinds: ListKind[]) => void;
  readonly #pending = new Set<ListKind>();
  /** Kinds announced even if their lists did not change (new discovery rules change what clients see). */
  readonly #forced = new Set<ListKind>();
  #announced: Catalog | undefined;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param current the catalog as it is now
   * @param announce tells clients the lists of `kinds` changed
   */
  constructor(current: () => Catalog, announce: (kinds: ListKind[]) => void) {
    this.#current = current;
    this.#announce = announce;
  }

  /** Clients are being served `catalog` from now on: later changes are measured against it. */
  baseline(catalog: Catalog): void {
    this.#announced = catalog;
  }

  /** The lists of `kinds` may have changed; `always`: announce them even if they did not. */
  noted(kinds: readonly ListKind[], announce: 'if-changed' | 'always' = 'if-changed'): void {
    for (const kind of kinds) {
      this.#pending.add(kind);
      if (announce === 'always') this.#forced.add(kind);
    }
    this.#timer ??= setTimeout(() => this.#flush(), COALESCE_MS);
  }

  /** Drops what is pending (the hub stops). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    this.#forced.clear();
  }

  #flush(): void {
    this.#timer = undefined;
    const current = this.#current();
    const before = this.#announced;
    const changed = [...this.#pending].filter(
      (kind) =>
        this.#forced.has(kind) ||
        before === undefined ||
        listFingerprint(before, kind) !== listFingerprint(current, kind),
    );
    this.#pending.clear();
    this.#forced.clear();
    this.#announced = current;
    if (changed.length > 0) this.#announce(changed);
  }
}
