// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the composite template syntax
/**
 * The built-in demo config, used when no config file exists: three stdio servers that ship with the
 * package, so `toolmesh` does something useful on first run without network or credentials.
 */
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  DEFAULT_CATALOG,
  DEFAULT_LISTEN,
  DEFAULT_SERVER_CATALOG,
  DEFAULT_TIMEOUTS,
  type HubConfig,
  type ServerConfig,
} from './model.ts';

/** `HubConfig.file` and `ServerConfig.source.file` of the demo. */
export const DEMO_FILE = '<builtin demo>';
const REPO = resolve(import.meta.dirname, '../..');

/** Absolute path of the first `bin` of an installed package (resolved, so it works from any cwd). */
function binOf(pkg: string): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = require(manifest) as { bin?: string | Record<string, string> };
  const file = typeof bin === 'string' ? bin : Object.values(bin ?? {})[0];
  if (file === undefined) throw new Error(`${pkg} declares no bin`);
  return resolve(dirname(manifest), file);
}

/** A stdio demo server run by this same Node (`process.execPath`), so no PATH lookup can pick another. */
function server(name: string, args: string[], env: Record<string, string> = {}): ServerConfig {
  return {
    name,
    transport: 'stdio',
    command: process.execPath,
    args,
    env,
    inheritEnv: [],
    headers: {},
    enabled: true,
    prefix: true,
    catalog: DEFAULT_SERVER_CATALOG,
    timeouts: { ...DEFAULT_TIMEOUTS },
    source: { file: DEMO_FILE },
  };
}

/**
 * The folder the `files` server may read and write: a copy of `examples/demo/files` in the temp dir, so
 * a newcomer trying `write_file` never changes the package. Files already there are left as they are.
 */
function demoFolder(): string {
  const folder = join(tmpdir(), 'toolmesh-demo-files');
  cpSync(join(REPO, 'examples/demo/files'), folder, { recursive: true, force: false });
  return folder;
}

/**
 * The demo: `echo` (our test fixture), `memory` (knowledge graph) and `files` (a small sample folder), a
 * workflow (`remember_note`) and a composite (`find_anywhere`: memory and files searched at once).
 */
export function demoConfig(): HubConfig {
  const folder = demoFolder();
  return {
    servers: [
      server('echo', [join(REPO, 'test/fixtures/servers/echo.ts'), '--stdio']),
      // The memory file goes to the temp dir so trying the demo never writes into the package.
      server('memory', [binOf('@modelcontextprotocol/server-memory')], {
        MEMORY_FILE_PATH: join(tmpdir(), 'toolmesh-demo-memory.jsonl'),
      }),
      server('files', [binOf('@modelcontextprotocol/server-filesystem'), folder]),
    ],
    workflows: [join(REPO, 'examples/demo/workflows/*.yaml')],
    composites: [
      {
        name: 'find_anywhere',
        description: 'Searches the memory graph and the sample folder at once; either may come up empty.',
        inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
        branches: [
          { id: 'memory', tool: 'memory__search_nodes', args: { query: '${{ args.query }}' } },
          {
            id: 'files',
            tool: 'files__search_files',
            args: { path: folder, pattern: '**/*${{ args.query }}*' },
          },
        ],
        aggregate: 'concat',
        minSuccesses: 1,
      },
    ],
    listen: { ...DEFAULT_LISTEN },
    file: DEMO_FILE,
    format: 'toolmesh',
    warnings: [],
    catalog: DEFAULT_CATALOG,
    // Like the memory file: trying the demo never writes outside the temp dir.
    store: { path: join(tmpdir(), 'toolmesh-demo.db') },
  };
}
