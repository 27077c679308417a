/**
 * Catalog settings from the file into the model: per-server shaping, the top-level `catalog` and `store`
 * sections, and the checks that need the whole file (server names referenced, served names given twice).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { catalogSchema, storeSchema } from './catalog-schema.ts';
import type { ConfigIssue } from './config-error.ts';
import { describeFailure, type Env, interpolate } from './interpolate.ts';
import {
  type CatalogConfig,
  DEFAULT_CATALOG,
  DEFAULT_SERVER_CATALOG,
  type ServerCatalogConfig,
  type ServerConfig,
  type StoreConfig,
} from './model.ts';
import type { ServerEntry } from './schema.ts';
import type { Position } from './source.ts';

/**
 * Where the store lives unless `store.path` says otherwise: in `TOOLMESH_HOME` (default `~/.toolmesh`). The
 * test command points `TOOLMESH_HOME` at a temp folder, so test runs never write to a developer's home.
 */
export const DEFAULT_STORE_PATH = join(
  process.env.TOOLMESH_HOME || join(homedir(), '.toolmesh'),
  'toolmesh.db',
);

/** The per-server catalog model of a schema-valid entry. */
export function serverCatalog(entry: ServerEntry): ServerCatalogConfig {
  const trusted = entry.trusted ?? true;
  const filter = (raw: { allow?: string[]; deny?: string[] } | undefined) => ({
    allow: [...(raw?.allow ?? [])],
    deny: [...(raw?.deny ?? [])],
  });
  return {
    ...DEFAULT_SERVER_CATALOG,
    ...(entry.conflicts && { conflicts: entry.conflicts }),
    trusted,
    // An untrusted server's changed tools are withheld unless the user chose otherwise.
    pinning: entry.pinning ?? (trusted ? 'warn' : 'block'),
    tools: filter(entry.tools),
    prompts: filter(entry.prompts),
    resources: filter(entry.resources),
    overrides: new Map(Object.entries(entry.tools?.overrides ?? {})),
  };
}

/** What the whole-file checks need; fatal issues are appended to `issues`. */
export interface CatalogContext {
  file: string;
  dir: string;
  topKey: 'servers' | 'mcpServers';
  env: Env;
  locate(path: readonly PropertyKey[]): Position | undefined;
  issues: ConfigIssue[];
  /** Every server name in the file, including entries too broken to build. */
  serverNames: readonly string[];
}

/**
 * The `catalog` section with defaults, after checking that every server it names is configured and that
 * no served name is given twice by `tools.overrides`.
 */
export function resolveCatalog(raw: unknown, servers: ServerConfig[], ctx: CatalogContext): CatalogConfig {
  // Field by field: a malformed field was reported by the file schema already, and a default stands in
  // for it, so the other fields are still checked.
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { shape } = catalogSchema;
  const section = {
    conflicts: shape.conflicts.safeParse(record.conflicts).data,
    priority: shape.priority.safeParse(record.priority).data,
    owners: shape.owners.safeParse(record.owners).data,
  };
  const names = new Set(ctx.serverNames);
  const issue = (path: PropertyKey[], message: string, fix: string) =>
    ctx.issues.push({ file: ctx.file, ...ctx.locate(path), path: path.join('.'), message, fix });
  const known = `configured servers: ${[...names].join(', ') || 'none'}`;
  (section.priority ?? []).forEach((name, i) => {
    if (!names.has(name)) issue(['catalog', 'priority', i], `unknown server "${name}"`, known);
  });
  const owners = new Map(Object.entries(section.owners ?? {}));
  for (const [name, server] of owners) {
    if (!names.has(server)) issue(['catalog', 'owners', name], `unknown server "${server}"`, known);
  }
  const given = new Map<string, string>();
  for (const server of servers) {
    for (const [tool, override] of server.catalog.overrides) {
      if (override.name === undefined) continue;
      const first = given.get(override.name);
      if (first !== undefined) {
        issue(
          [ctx.topKey, server.name, 'tools', 'overrides', tool, 'name'],
          `"${override.name}" is already the name of ${first}`,
          'give each renamed tool its own name',
        );
      } else given.set(override.name, `${server.name}'s ${tool}`);
    }
  }
  return {
    conflicts: section.conflicts ?? DEFAULT_CATALOG.conflicts,
    priority: [...(section.priority ?? [])],
    owners,
  };
}

/** The `store` section: `~` and `${VAR}` expanded, relative paths taken from the config file's folder. */
export function resolveStore(raw: unknown, ctx: CatalogContext): StoreConfig {
  const text = storeSchema.safeParse(raw ?? {}).data?.path;
  if (text === undefined) return { path: DEFAULT_STORE_PATH };
  const result = interpolate(text, ctx.env);
  if (!result.ok) {
    const { message, fix } = describeFailure(result);
    ctx.issues.push({ file: ctx.file, ...ctx.locate(['store', 'path']), path: 'store.path', message, fix });
    return { path: DEFAULT_STORE_PATH };
  }
  const path = result.value;
  if (path === ':memory:') return { path };
  if (path === '~' || path.startsWith('~/')) return { path: join(homedir(), path.slice(1)) };
  return { path: resolve(ctx.dir, path) };
}
