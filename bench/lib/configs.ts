/** Generated config files (ToolMesh YAML, mcp-hub JSON) in a scratch directory. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NODE } from './proc.ts';

export interface StdioServer {
  name: string;
  script: string;
  args?: string[];
  prefix?: boolean;
  /** ToolMesh's `protocol:` for it (default: auto). */
  protocol?: '2025-11-25';
}

export interface HttpServer {
  name: string;
  url: string;
  prefix?: boolean;
}

let scratch: string | undefined;

/** One scratch directory per benchmark run, removed by `removeScratch()`. */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'toolmesh-bench-'));
  return scratch;
}

export function removeScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

let counter = 0;

/** Dozens of Node servers starting at once on 2 cores need more than the default 30 s. */
const TIMEOUTS = { startupMs: 120_000 };

/** Writes a ToolMesh config (plus `extra` top-level sections, e.g. `composites`) and returns its path. */
export function toolmeshConfig(
  servers: (StdioServer | HttpServer)[],
  extra: Record<string, unknown> = {},
): string {
  const doc = {
    ...extra,
    listen: { host: '127.0.0.1', port: 7420 },
    servers: Object.fromEntries(
      servers.map((server) => [
        server.name,
        'url' in server
          ? { url: server.url, type: 'http', prefix: server.prefix ?? true, timeouts: TIMEOUTS }
          : {
              command: NODE,
              args: [server.script, '--stdio', '--name', server.name, ...(server.args ?? [])],
              prefix: server.prefix ?? true,
              timeouts: TIMEOUTS,
              ...(server.protocol && { protocol: server.protocol }),
            },
      ]),
    ),
  };
  const file = join(scratchDir(), `toolmesh-${++counter}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** Writes an mcp-hub config (the `mcpServers` format) and returns its path and an XDG home for it. */
export function mcpHubConfig(servers: StdioServer[]): { file: string; home: string } {
  const doc = {
    mcpServers: Object.fromEntries(
      servers.map((server) => [
        server.name,
        { command: NODE, args: [server.script, '--stdio', '--name', server.name, ...(server.args ?? [])] },
      ]),
    ),
  };
  const home = join(scratchDir(), `mcp-hub-home-${++counter}`);
  mkdirSync(home, { recursive: true });
  const file = join(home, 'mcp-hub.json');
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return { file, home };
}

/** Environment that keeps mcp-hub's state, logs and caches in the scratch home. */
export function xdgEnv(home: string): Record<string, string> {
  return {
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    HOME: home,
  };
}
