import { Counter, type Registry } from 'prom-client';
import type { CatalogConfig, ConflictStrategyName } from '../config/model.ts';
import { DEFAULT_CATALOG } from '../config/model.ts';
import type { Logger } from '../observability/logger.ts';
import type { PinRecord, RememberedName, ServedName, Store } from '../store/store.ts';
import { nameKey } from '../store/store.ts';
import { buildCatalog, type Catalog, type CatalogSource } from './catalog.ts';
import { checkPins, PendingClaims, type PinVerdict } from './pins.ts';

/** What the keeper is given. */
export interface KeeperOptions {
  readonly catalog?: CatalogConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Called when pins or names changed outside a rebuild (an approval here or from another process). */
  readonly onChange: () => void;
}

/** How often the store is checked for writes by other processes (`toolmesh pins approve`), in ms. */
const WATCH_MS = 1_000;

/**
 * The stateful side of the catalog, so `buildCatalog` can stay pure: it checks pins before each build
 * (recording first sights and changes in the store), hands the builder the names served before, and
 * remembers the names the catalog serves under `conditional`.
 */
export class CatalogKeeper {
  readonly store: Store;
  #config: CatalogConfig;
  readonly #logger: Logger;
  readonly #onChange: () => void;
  readonly #changes: Counter<'server' | 'policy'>;
  // Per server: the verdict for the tool list it was computed from, so unchanged servers are not rehashed.
  readonly #verdicts = new Map<string, { tools: unknown; policy: string; verdict: PinVerdict }>();
  // Per server, the changed tools already logged: each change is said once, and again only after the tool
  // was back to its approved definition (or approved) in between.
  readonly #warned = new Map<string, ReadonlySet<string>>();
  /** Which pending changes in the store this hub may replace or clear. */
  readonly #claims = new PendingClaims();
  #remembered: Map<string, RememberedName>;
  #watch: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: KeeperOptions) {
    this.store = options.store;
    this.#config = options.catalog ?? DEFAULT_CATALOG;
    this.#logger = options.logger;
    this.#onChange = options.onChange;
    this.#remembered = this.store.names.all();
    this.#changes = new Counter({
      name: 'toolmesh_pin_changes_total',
      help: 'Tool definitions seen changed from their approved (pinned) version',
      labelNames: ['server', 'policy'],
      registers: [options.metrics],
    });
  }

  /** Takes a new top-level `catalog` section (hot reload); the next `build` uses it. */
  reconfigure(catalog: CatalogConfig | undefined): void {
    this.#config = catalog ?? DEFAULT_CATALOG;
  }

  /** Checks pins, then builds the catalog of `sources` (their `withheld` is set here). */
  build(sources: readonly CatalogSource[]): Catalog {
    const checked = sources.map((source) => ({ ...source, withheld: this.#verdict(source).withheld }));
    return buildCatalog(checked, { catalog: this.#config, remembered: this.#remembered });
  }

  /** Remembers the names `catalog` serves for items under `conditional` (call once served to clients). */
  remember(catalog: Catalog, sources: readonly CatalogSource[]): void {
    if (this.#closed) return;
    const strategies = new Map(sources.map((s) => [s.name, s.catalog?.conflicts ?? this.#config.conflicts]));
    const fresh: ServedName[] = [];
    const add = (kind: ServedName['kind'], entry: { name: string; server: string; original: string }) => {
      if (strategies.get(entry.server) !== ('conditional' satisfies ConflictStrategyName)) return;
      const known = this.#remembered.get(nameKey(kind, entry.server, entry.original));
      if (known?.served !== entry.name)
        fresh.push({ kind, server: entry.server, original: entry.original, served: entry.name });
    };
    for (const entry of catalog.tools.values()) add('tool', entry);
    for (const entry of catalog.withheld.values()) add('tool', entry);
    for (const entry of catalog.prompts.values()) add('prompt', entry);
    if (fresh.length === 0) return;
    this.store.names.remember(fresh);
    this.#remembered = this.store.names.all();
  }

  /** Every pin, for the CLI and the admin API. */
  pins(): PinRecord[] {
    return this.store.pins.list();
  }

  /** Approves `pin`'s pending definition and rebuilds. False when nothing was pending. */
  approve(pin: PinRecord): boolean {
    const done = this.store.pins.approve(pin.server, pin.tool);
    if (done) {
      this.#logger.info({ server: pin.server, tool: pin.tool }, 'tool definition approved');
      this.#refresh();
    }
    return done;
  }

  /** Starts watching the store for writes by other processes. */
  watch(): void {
    this.#watch ??= setInterval(() => {
      if (this.store.changedElsewhere()) this.#refresh();
    }, WATCH_MS).unref();
  }

  /** Stops watching and closes the store. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watch);
    this.store.close();
  }

  #refresh(): void {
    this.#verdicts.clear();
    this.#remembered = this.store.names.all();
    this.#onChange();
  }

  #verdict(source: CatalogSource): PinVerdict {
    const policy = source.catalog?.pinning ?? 'warn';
    const cached = this.#verdicts.get(source.name);
    if (cached && cached.tools === source.lists.tools && cached.policy === policy) return cached.verdict;
    // A list change can still arrive while the hub stops; the store is gone by then, the last verdict holds.
    if (this.#closed) return cached?.verdict ?? { withheld: new Set(), changed: [] };
    const verdict = checkPins(this.store.pins, source.name, source.lists.tools, policy, this.#claims);
    this.#verdicts.set(source.name, { tools: source.lists.tools, policy, verdict });
    const warned = this.#warned.get(source.name);
    this.#warned.set(source.name, new Set(verdict.changed));
    for (const tool of verdict.changed) {
      if (warned?.has(tool)) continue;
      this.#changes.inc({ server: source.name, policy });
      const action = policy === 'block' ? 'withheld until approved' : 'still served (pinning: warn)';
      this.#logger.warn(
        { server: source.name, tool, policy },
        `tool definition changed since approved: ${action}`,
      );
    }
    return verdict;
  }
}
