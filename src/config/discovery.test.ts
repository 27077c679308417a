import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { type DiscoveryConfig, modeFor } from './discovery.ts';
import { loadConfig, parseConfig } from './load.ts';
import { configErrorOf } from './test-helpers.ts';

const config: DiscoveryConfig = {
  mode: 'full',
  clients: [
    { match: 'Cursor*', maxTools: 40 },
    { match: 'claude-code', mode: 'both' },
    { match: 'Visual Studio Code', maxTools: 128 },
  ],
};

describe('discovery modes', () => {
  it('gives a client over its tool limit the meta-tools, and the full list under it', () => {
    assert.equal(modeFor(config, 'Cursor', 41), 'meta');
    assert.equal(modeFor(config, 'cursor-vscode', 1000), 'meta'); // case-insensitive, * wildcard
    assert.equal(modeFor(config, 'Cursor', 40), 'full');
    assert.equal(modeFor(config, 'Visual Studio Code', 129), 'meta');
    assert.equal(modeFor(config, 'Visual Studio Code', 128), 'full');
  });

  it('uses the first matching rule, then the section default', () => {
    assert.equal(modeFor(config, 'claude-code', 10), 'both');
    assert.equal(modeFor(config, 'claude-code-extra', 10), 'full'); // no wildcard: whole name only
    assert.equal(modeFor(config, undefined, 5000), 'full');
    assert.equal(modeFor({ mode: 'meta', clients: [] }, 'any', 1), 'meta');
    assert.equal(modeFor({ mode: 'both', maxTools: 100, clients: [] }, 'any', 101), 'meta');
  });

  it('treats regex characters in a client name as text', () => {
    const rules: DiscoveryConfig = { mode: 'full', clients: [{ match: 'a.b (beta)', mode: 'meta' }] };
    assert.equal(modeFor(rules, 'a.b (beta)', 1), 'meta');
    assert.equal(modeFor(rules, 'axb (beta)', 1), 'full');
  });

  it('is read from the file, and a bad section names the field and a fix', () => {
    const loaded = parseConfig(
      'servers: {}\ndiscovery:\n  maxTools: 128\n  clients:\n    - match: "Cursor*"\n      maxTools: 40\n',
      't.yaml',
    );
    assert.deepEqual(loaded.discovery, {
      mode: 'full',
      maxTools: 128,
      clients: [{ match: 'Cursor*', maxTools: 40 }],
    });
    const error = configErrorOf(() =>
      parseConfig(
        'servers: {}\ndiscovery:\n  clients:\n    - match: x\n      maxtools: 0\n      mode: metta\n',
        't.yaml',
      ),
    );
    const text = error.message;
    assert.match(
      text,
      /t\.yaml:5:\d+ discovery\.clients\[0\]\.maxtools: unknown field\. Fix: did you mean "maxTools"\?/,
    );
    assert.match(text, /discovery\.clients\[0\]\.mode: unknown value\. Fix: did you mean "meta"\?/);
  });
});

describe('examples/large-catalog', () => {
  it('loads: 20 servers run from the repository root, with limits for Cursor and VS Code', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const config = await loadConfig(join(root, 'examples/large-catalog/toolmesh.yaml'), {});
    assert.equal(config.servers.length, 20);
    assert.ok(config.servers.every((server) => server.cwd === root && server.problem === undefined));
    assert.equal(modeFor(config.discovery ?? { mode: 'full', clients: [] }, 'Cursor', 1081), 'meta');
    assert.deepEqual(config.warnings, []);
  });
});
