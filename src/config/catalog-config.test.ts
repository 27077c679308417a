import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_STORE_PATH } from './catalog-config.ts';
import { ConfigError } from './config-error.ts';
import { loadConfig, parseConfig } from './load.ts';

const FILE = '/srv/conf/toolmesh.yaml';
const servers = 'servers:\n  a: { command: a }\n  b: { command: b }\n';

function issuesOf(text: string): string {
  try {
    parseConfig(text, FILE, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('catalog settings in the config file', () => {
  it('applies defaults: prefix strategy, pinning warn, the store in the default place', () => {
    const config = parseConfig(servers, FILE, {});
    assert.equal(config.catalog?.conflicts, 'prefix');
    assert.equal(config.store?.path, DEFAULT_STORE_PATH);
    assert.equal(config.servers[0]?.catalog.pinning, 'warn');
    assert.equal(config.servers[0]?.catalog.trusted, true);
  });

  it('reads strategies, owners, filters, overrides; untrusted servers default to block', () => {
    const config = parseConfig(
      `catalog:
  conflicts: conditional
  priority: [b]
  owners: { search: a }
store: { path: state/hub.db }
servers:
  a:
    command: a
    conflicts: version
    trusted: false
    tools:
      allow: ["read_*"]
      overrides: { read_file: { name: read, description: Reads a file } }
    resources: { deny: ["file:///secret/**"] }
  b: { command: b, trusted: false, pinning: "off" }
`,
      FILE,
      {},
    );
    assert.deepEqual(config.catalog?.priority, ['b']);
    assert.equal(config.catalog?.owners.get('search'), 'a');
    assert.equal(config.store?.path, '/srv/conf/state/hub.db');
    const [a, b] = config.servers;
    assert.equal(a?.catalog.conflicts, 'version');
    assert.equal(a?.catalog.pinning, 'block');
    assert.deepEqual(a?.catalog.tools, { allow: ['read_*'], deny: [] });
    assert.deepEqual(a?.catalog.overrides.get('read_file'), { name: 'read', description: 'Reads a file' });
    assert.deepEqual(a?.catalog.resources.deny, ['file:///secret/**']);
    assert.equal(b?.catalog.pinning, 'off');
  });

  it('names the field and the fix for unknown servers, duplicate renames and bad values', () => {
    const message = issuesOf(`catalog:
  conflicts: prefixed
  priority: [d]
  owners: { search: z }
servers:
  a: { command: a, tools: { overrides: { x: { name: same } } } }
  b: { command: b, tools: { overrides: { y: { name: same } } } }
  c: { command: c, pinning: strict }
`);
    assert.match(message, /catalog\.conflicts.*did you mean "prefix"\?/);
    assert.match(message, /catalog\.priority\.0.*unknown server "d".*configured servers: a, b, c/);
    assert.doesNotMatch(message, /unknown server "c"/, 'c is configured, only its entry is invalid');
    assert.match(message, /catalog\.owners\.search.*unknown server "z"/);
    assert.match(message, /servers\.c\.pinning.*use one of warn, block, off/);
    assert.match(message, /servers\.b\.tools\.overrides\.y\.name.*"same" is already the name of a's x/);
  });

  it('suggests the right key for typos inside the new sections', () => {
    assert.match(issuesOf(`catalog: { conflict: prefix }\n${servers}`), /did you mean "conflicts"\?/);
    assert.match(issuesOf('servers:\n  a: { command: a, tools: { alow: [x] } }\n'), /did you mean "allow"\?/);
  });
});

describe('the default store path', () => {
  /** DEFAULT_STORE_PATH as a fresh process computes it with `env`. */
  const defaultIn = (env: Record<string, string | undefined>) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DEFAULT_STORE_PATH } from ${JSON.stringify(new URL('./catalog-config.ts', import.meta.url).href)};
         process.stdout.write(DEFAULT_STORE_PATH);`,
      ],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );

  it('is ~/.toolmesh/toolmesh.db, or in TOOLMESH_HOME when that is set', () => {
    assert.equal(defaultIn({ TOOLMESH_HOME: '' }), join(homedir(), '.toolmesh', 'toolmesh.db'));
    assert.equal(defaultIn({ TOOLMESH_HOME: '/srv/toolmesh' }), '/srv/toolmesh/toolmesh.db');
  });
});

describe('examples/catalog', () => {
  it('validates, with the owner, filters, rename, block default and store path as its README says', async () => {
    const dir = resolve(import.meta.dirname, '../../examples/catalog');
    const config = await loadConfig(join(dir, 'toolmesh.yaml'), {});
    assert.deepEqual(config.warnings, []);
    assert.equal(config.catalog?.conflicts, 'conditional');
    assert.equal(config.catalog?.owners.get('read_text_file'), 'docs');
    assert.equal(config.store?.path, join(dir, '.toolmesh/toolmesh.db'));
    const [docs, scratch] = config.servers;
    assert.ok(docs?.catalog.tools.deny.includes('write_*'));
    assert.equal(docs?.catalog.overrides.get('search_files')?.name, 'search_docs');
    assert.equal(scratch?.catalog.pinning, 'block');
  });
});
