import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_LISTS, type UpstreamLists } from '../upstream/lists.ts';
import { buildCatalog, resourceOwner, servedTools } from './catalog.ts';

const schema = { type: 'object' as const };
function lists(partial: Partial<UpstreamLists>): UpstreamLists {
  return { ...EMPTY_LISTS, ...partial };
}

describe('buildCatalog', () => {
  it('prefixes names per server and keeps the definition otherwise unchanged', () => {
    const catalog = buildCatalog([
      {
        name: 'a',
        prefix: true,
        lists: lists({ tools: [{ name: 'read', inputSchema: schema, title: 'Read' }] }),
      },
      { name: 'b', prefix: true, lists: lists({ tools: [{ name: 'read', inputSchema: schema }] }) },
    ]);
    assert.deepEqual([...catalog.tools.keys()], ['a__read', 'b__read']);
    assert.equal(catalog.tools.get('b__read')?.original, 'read');
    assert.deepEqual(servedTools(catalog)[0], { name: 'a__read', inputSchema: schema, title: 'Read' });
    assert.equal(catalog.conflicts.length, 0);
  });

  it('keeps the first server in config order when unprefixed names collide, and reports it', () => {
    const catalog = buildCatalog([
      { name: 'a', prefix: false, lists: lists({ tools: [{ name: 'read', inputSchema: schema }] }) },
      { name: 'b', prefix: false, lists: lists({ tools: [{ name: 'read', inputSchema: schema }] }) },
    ]);
    assert.equal(catalog.tools.get('read')?.server, 'a');
    assert.deepEqual(catalog.conflicts, [{ kind: 'tool', name: 'read', kept: 'a', dropped: 'b' }]);
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
    const catalog = buildCatalog([
      { name: 'a', prefix: false, lists: lists({ tools: [{ name: '__proto__', inputSchema: schema }] }) },
    ]);
    assert.equal(catalog.tools.get('__proto__')?.server, 'a');
    assert.equal(catalog.tools.get('toString'), undefined);
  });
});
