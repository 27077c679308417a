import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tool } from '@modelcontextprotocol/client';
import { type CatalogConfig, DEFAULT_SERVER_CATALOG, type ServerCatalogConfig } from '../config/model.ts';
import { nameKey } from '../store/store.ts';
import { EMPTY_LISTS, type UpstreamLists } from '../upstream/lists.ts';
import { buildCatalog, type CatalogSource, resourceOwner, servedTools } from './catalog.ts';

const schema = { type: 'object' as const };
const tool = (name: string, extra: Partial<Tool> = {}): Tool => ({ name, inputSchema: schema, ...extra });
function lists(partial: Partial<UpstreamLists>): UpstreamLists {
  return { ...EMPTY_LISTS, ...partial };
}
function source(name: string, tools: string[], extra: Partial<CatalogSource> = {}): CatalogSource {
  return { name, prefix: true, lists: lists({ tools: tools.map((t) => tool(t)) }), ...extra };
}
function shaping(extra: Partial<ServerCatalogConfig>): ServerCatalogConfig {
  return { ...DEFAULT_SERVER_CATALOG, ...extra };
}
const global = (extra: Partial<CatalogConfig>): CatalogConfig => ({
  conflicts: 'prefix',
  priority: [],
  owners: new Map(),
  ...extra,
});

describe('buildCatalog', () => {
  it('prefixes names per server, keeps the definition otherwise, and reports the shared name', () => {
    const catalog = buildCatalog([
      { name: 'a', prefix: true, lists: lists({ tools: [tool('read', { title: 'Read' })] }) },
      source('b', ['read']),
    ]);
    assert.deepEqual([...catalog.tools.keys()], ['a__read', 'b__read']);
    assert.equal(catalog.tools.get('b__read')?.original, 'read');
    assert.deepEqual(servedTools(catalog)[0], { name: 'a__read', inputSchema: schema, title: 'Read' });
    assert.deepEqual(catalog.conflicts, [
      {
        kind: 'tool',
        name: 'read',
        decidedBy: 'none',
        reason: 'every server serves it under its prefix (prefix strategy)',
        entries: [
          { server: 'a', original: 'read', served: 'a__read' },
          { server: 'b', original: 'read', served: 'b__read' },
        ],
      },
    ]);
  });

  it('keeps the first server in config order when prefix: false names collide, and drops the other', () => {
    const catalog = buildCatalog([
      source('a', ['read'], { prefix: false }),
      source('b', ['read'], { prefix: false }),
    ]);
    assert.equal(catalog.tools.get('read')?.server, 'a');
    assert.equal(catalog.tools.size, 1);
    assert.equal(catalog.conflicts[0]?.winner, 'a');
    assert.deepEqual(catalog.conflicts[0]?.entries[1], { server: 'b', original: 'read' });
  });

  it('finds look-alike names after NFKC and case folding, and serves names as given', () => {
    const catalog = buildCatalog([source('a', ['read']), source('b', ['ＲＥＡＤ'])], {
      catalog: global({ conflicts: 'priority' }),
    });
    assert.equal(catalog.tools.get('read')?.server, 'a');
    assert.ok(catalog.tools.get([...catalog.tools.keys()][1] ?? '')?.name.startsWith('b__'));
    assert.equal(catalog.conflicts.length, 1);
    assert.equal(catalog.conflicts[0]?.winner, 'a');
  });

  it('conditional: bare while unique, prefixed when colliding, remembered names kept', () => {
    const options = { catalog: global({ conflicts: 'conditional' }) };
    const first = buildCatalog([source('a', ['read', 'only_a']), source('b', ['read'])], options);
    assert.deepEqual([...first.tools.keys()].sort(), ['a__read', 'b__read', 'only_a']);
    const remembered = new Map([[nameKey('tool', 'a', 'read'), { served: 'read', seq: 1 }]]);
    const later = buildCatalog([source('a', ['read']), source('b', ['read'])], { ...options, remembered });
    assert.deepEqual([...later.tools.keys()], ['read', 'b__read']);
    assert.match(later.conflicts[0]?.reason ?? '', /a served "read" first/);
  });

  it('per-server strategy: a prefix server never contends, a conditional one serves unique names bare', () => {
    const catalog = buildCatalog([
      source('a', ['read'], { catalog: shaping({ conflicts: 'conditional' }) }),
      source('b', ['read']),
    ]);
    assert.deepEqual([...catalog.tools.keys()], ['read', 'b__read']);
  });

  it('explicit owners win over the strategy; renames are served exactly and win too', () => {
    const owners = new Map([['read', 'b']]);
    const catalog = buildCatalog([source('a', ['read']), source('b', ['read'])], {
      catalog: global({ conflicts: 'priority', owners }),
    });
    assert.equal(catalog.tools.get('read')?.server, 'b');
    assert.equal(catalog.conflicts[0]?.decidedBy, 'owner');

    const overrides = new Map([['fetch', { name: 'web_get', description: 'Get a page' }]]);
    const renamed = buildCatalog([source('a', ['fetch'], { catalog: shaping({ overrides }) })]);
    assert.equal(renamed.tools.get('web_get')?.original, 'fetch');
    assert.equal(renamed.tools.get('web_get')?.definition.description, 'Get a page');
  });

  it('a rename wins over another server offering that name bare; the other is prefixed', () => {
    const overrides = new Map([['fetch', { name: 'search' }]]);
    const catalog = buildCatalog(
      [source('a', ['fetch'], { catalog: shaping({ overrides }) }), source('b', ['search'])],
      { catalog: global({ conflicts: 'conditional' }) },
    );
    assert.deepEqual([...catalog.tools.keys()], ['search', 'b__search']);
    assert.equal(catalog.tools.get('search')?.server, 'a');
    assert.deepEqual(
      [catalog.conflicts[0]?.name, catalog.conflicts[0]?.decidedBy, catalog.conflicts[0]?.winner],
      ['search', 'rename', 'a'],
    );
  });

  it('applies allow/deny globs to tools, prompts and resources, deny winning', () => {
    const catalog = buildCatalog([
      {
        name: 'a',
        prefix: true,
        lists: lists({
          tools: [tool('read_file'), tool('read_secret'), tool('write_file')],
          prompts: [{ name: 'hello' }, { name: 'bye' }],
          resources: [
            { uri: 'file:///docs/a.md', name: 'a' },
            { uri: 'file:///etc/passwd', name: 'p' },
          ],
        }),
        catalog: shaping({
          tools: { allow: ['read_*'], deny: ['*secret*'] },
          prompts: { allow: [], deny: ['bye'] },
          resources: { allow: ['file:///docs/**'], deny: [] },
        }),
      },
    ]);
    assert.deepEqual([...catalog.tools.keys()], ['a__read_file']);
    assert.deepEqual([...catalog.prompts.keys()], ['a__hello']);
    assert.deepEqual([...catalog.resources.keys()], ['file:///docs/a.md']);
  });

  it('strips control, zero-width and bidi characters from descriptions and titles', () => {
    const catalog = buildCatalog([
      {
        name: 'a',
        prefix: true,
        lists: lists({
          tools: [tool('t', { description: 'Safe\u200b text\u001b[8m hidden\u202e', title: 'T\u0007' })],
        }),
      },
    ]);
    const served = catalog.tools.get('a__t')?.definition;
    assert.equal(served?.description, 'Safe text[8m hidden');
    assert.equal(served?.title, 'T');

    const overrides = new Map([['fetch', { title: 'Get\u200b', description: 'A page\u202e' }]]);
    const overridden = buildCatalog([source('a', ['fetch'], { catalog: shaping({ overrides }) })]);
    assert.equal(overridden.tools.get('a__fetch')?.definition.title, 'Get', 'an override is cleaned too');
    assert.equal(overridden.tools.get('a__fetch')?.definition.description, 'A page');
  });

  it('cleans a definition once: a rebuild over the same lists reuses what it made', () => {
    const schema = { type: 'object' as const, properties: { q: { type: 'string', description: 'Q\u200b' } } };
    const sources = [
      { name: 'a', prefix: true, lists: lists({ tools: [tool('t', { inputSchema: schema })] }) },
    ];
    const first = buildCatalog(sources).tools.get('a__t')?.definition.inputSchema;
    const second = buildCatalog(sources).tools.get('a__t')?.definition.inputSchema;
    assert.deepEqual(first?.properties, { q: { type: 'string', description: 'Q' } });
    assert.equal(second, first);
  });

  it('keeps withheld tools out of the catalog under the name they would have', () => {
    const catalog = buildCatalog([source('a', ['read', 'write'], { withheld: new Set(['write']) })]);
    assert.deepEqual([...catalog.tools.keys()], ['a__read']);
    assert.deepEqual(catalog.withheld.get('a__write'), { name: 'a__write', server: 'a', original: 'write' });
  });

  it('gives a URI two servers list to one owner, by strategy, and reports it', () => {
    const both = () =>
      lists({
        resources: [{ uri: 'note://x', name: 'x' }],
        resourceTemplates: [{ uriTemplate: 'n://{id}', name: 'n' }],
      });
    const catalog = buildCatalog(
      [
        { name: 'a', prefix: true, lists: both(), version: '1.0.0' },
        { name: 'b', prefix: true, lists: both(), version: '2.0.0' },
      ],
      { catalog: global({ conflicts: 'version' }) },
    );
    assert.equal(resourceOwner(catalog, 'note://x'), 'b');
    assert.equal(resourceOwner(catalog, 'n://7'), 'b');
    assert.deepEqual(
      catalog.conflicts.map((c) => [c.kind, c.winner]),
      [
        ['resource', 'b'],
        ['template', 'b'],
      ],
    );
  });

  it('routes resources by exact URI first, then by template', () => {
    const catalog = buildCatalog([
      {
        name: 'a',
        prefix: true,
        lists: lists({ resourceTemplates: [{ uriTemplate: 'note://{id}', name: 'note' }] }),
      },
      { name: 'b', prefix: true, lists: lists({ resources: [{ uri: 'note://special', name: 'special' }] }) },
    ]);
    assert.equal(resourceOwner(catalog, 'note://special'), 'b');
    assert.equal(resourceOwner(catalog, 'note://42'), 'a');
    assert.equal(resourceOwner(catalog, 'file:///etc/passwd'), undefined);
  });

  it('treats names like __proto__ as plain names', () => {
    const catalog = buildCatalog([source('a', ['__proto__'], { prefix: false })]);
    assert.equal(catalog.tools.get('__proto__')?.server, 'a');
    assert.equal(catalog.tools.get('toString'), undefined);
  });
});
