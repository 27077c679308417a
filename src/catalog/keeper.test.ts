import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tool } from '@modelcontextprotocol/client';
import { Registry } from 'prom-client';
import { DEFAULT_SERVER_CATALOG } from '../config/model.ts';
import { silentLogger } from '../observability/logger.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { EMPTY_LISTS } from '../upstream/lists.ts';
import type { CatalogSource } from './catalog.ts';
import { CatalogKeeper } from './keeper.ts';

const tool = (description: string): Tool => ({ name: 'echo', description, inputSchema: { type: 'object' } });
const source = (description: string): CatalogSource => ({
  name: 'fx',
  prefix: true,
  lists: { ...EMPTY_LISTS, tools: [tool(description)] },
  catalog: { ...DEFAULT_SERVER_CATALOG, pinning: 'block' },
});

describe('CatalogKeeper', () => {
  it('withholds a changed tool under block, serves it again after approve, and tells the hub', () => {
    let changes = 0;
    const keeper = new CatalogKeeper({
      store: openSqliteStore(':memory:'),
      logger: silentLogger(),
      metrics: new Registry(),
      onChange: () => changes++,
    });
    assert.ok(keeper.build([source('v1')]).tools.has('fx__echo'));
    const blocked = keeper.build([source('v2')]);
    assert.equal(blocked.tools.has('fx__echo'), false);
    assert.ok(blocked.withheld.has('fx__echo'));
    const [pin] = keeper.pins();
    assert.ok(pin?.pending);
    assert.equal(keeper.approve(pin), true);
    assert.equal(changes, 1);
    assert.equal(keeper.build([source('v2')]).tools.get('fx__echo')?.definition.description, 'v2');
    assert.equal(keeper.approve(keeper.pins()[0] ?? pin), false, 'nothing pending any more');
    keeper.close();
    keeper.close();
    assert.ok(keeper.build([source('v3')]).tools.has('fx__echo'), 'after close: no store, last verdict');
  });
});
