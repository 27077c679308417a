/**
 * Reading a config file into a `HubConfig`: toolmesh YAML/JSON, VS Code (`servers`), and the `mcpServers`
 * files of Claude Desktop, Cursor, Claude Code and Windsurf, all unchanged. Fatal problems throw one
 * `ConfigError` listing every issue found, so a user fixes the file in one round.
 */
import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { resolveCatalog, resolveStore } from './catalog-config.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { resolveDiscovery } from './discovery.ts';
import { detectShape } from './format.ts';
import type { Env } from './interpolate.ts';
import { fromZodIssue } from './issues.ts';
import { resolveListen } from './listen.ts';
import type { HubConfig, ServerConfig } from './model.ts';
import { resolveComposites, resolveWorkflowPaths } from './orchestration.ts';
import { buildLogicalServer } from './replicas.ts';
import { clientFileSchema, nativeFileSchema, SERVER_NAME_RE, serverEntrySchema } from './schema.ts';
import { parseSource } from './source.ts';

/** Larger files are refused unread: a config is a few KiB, and a huge one is a wrong path or an attack. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** Names `findConfigFile` looks for, in order. */
export const CONFIG_FILE_NAMES = ['toolmesh.yaml', 'toolmesh.yml', 'toolmesh.json'] as const;
const EXAMPLE = 'examples/basic/toolmesh.yaml';

/** Absolute path of the first of `CONFIG_FILE_NAMES` that is a file in `cwd` (not its parents), if any. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}

/** Reads and validates the config file at `path`. Throws `ConfigError` on any fatal problem. */
export async function loadConfig(path: string, env: Env = process.env): Promise<HubConfig> {
  const fail = (message: string, fix: string) => new ConfigError([{ file: path, path: '', message, fix }]);
  // stat before reading: opening a FIFO would block, and the size must be checked before buffering.
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
      throw fail('file not found', `create it (see ${EXAMPLE}) or pass --config <file>`);
    }
    throw fail(`cannot read the file (${e.code ?? 'error'})`, 'check the path and its permissions');
  });
  if (info.isDirectory())
    throw fail('is a directory', `pass the file inside it, e.g. ${join(path, 'toolmesh.yaml')}`);
  if (!info.isFile())
    throw fail('not a regular file (device, pipe or socket)', 'pass the path of a config file');
  if (info.size > MAX_CONFIG_BYTES)
    throw fail('file is larger than 16 MiB', 'check that this is the config file');
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw fail(`cannot read the file (${e.code ?? 'error'})`, 'check the file permissions');
  });
  if (text.length > MAX_CONFIG_BYTES)
    throw fail('file is larger than 16 MiB', 'check that this is the config file');
  return parseConfig(text, path, env);
}

/**
 * Validates config `text`. `file` names it in messages, picks the parser (`.json` → JSON, else YAML) and
 * anchors relative `cwd` values. Throws `ConfigError` on any fatal problem.
 */
export function parseConfig(text: string, file: string, env: Env = process.env): HubConfig {
  const body = text.replace(/^\uFEFF/, ''); // Windows editors add a BOM, which JSON.parse rejects
  if (body.trim() === '') {
    throw new ConfigError([
      { file, path: '', message: 'file is empty', fix: `add a servers: map (see ${EXAMPLE})` },
    ]);
  }
  const source = parseSource(body, file, extname(file).toLowerCase() === '.json');
  const { top, topKey, format, warnings } = detectShape(source.data, file, source.locate);
  const issues: ConfigIssue[] = [];
  const parsed = (topKey === 'mcpServers' ? clientFileSchema : nativeFileSchema).safeParse(top);
  for (const issue of parsed.error?.issues ?? []) {
    issues.push(...fromZodIssue(issue, { file, topKey, data: top, locate: source.locate }));
  }

  const ctx = {
    file,
    sourceFile: resolve(file),
    dir: dirname(resolve(file)),
    topKey,
    env,
    locate: source.locate,
  };
  const servers: ServerConfig[] = [];
  const map = top[topKey];
  for (const [name, raw] of typeof map === 'object' && map !== null ? Object.entries(map) : []) {
    // zod skips `__proto__` keys silently (they cannot be copied safely), so that name is reported here.
    if (name === '__proto__') {
      const at = source.locate([topKey, name]);
      issues.push({ file, ...at, path: `${topKey}.__proto__`, message: 'reserved name', fix: 'rename it' });
    }
    const entry = serverEntrySchema.safeParse(raw);
    if (!SERVER_NAME_RE.test(name) || !entry.success) continue; // reported by the file schema
    const server = buildLogicalServer(name, entry.data, { ...ctx, issues, warnings });
    if (server) servers.push(server);
  }
  const listen = resolveListen(top.listen, { ...ctx, issues });
  const serverNames = typeof map === 'object' && map !== null ? Object.keys(map) : [];
  const catalog = resolveCatalog(top.catalog, servers, { ...ctx, issues, serverNames });
  const store = resolveStore(top.store, { ...ctx, issues, serverNames });
  const workflows = resolveWorkflowPaths(top.workflows, { ...ctx, issues });
  const composites = resolveComposites(top.composites, { ...ctx, issues });

  if (issues.length > 0) {
    // File order reads best; issues without a line concern the whole file and come first.
    throw new ConfigError(
      issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
    );
  }
  if (servers.length === 0) warnings.push(`${file}: no servers configured`);
  const discovery = resolveDiscovery(top.discovery);
  return {
    ...{ servers, listen, discovery, file: resolve(file), format, warnings, catalog, store },
    ...(workflows.length > 0 && { workflows }),
    ...(composites.length > 0 && { composites }),
  };
}
