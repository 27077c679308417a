import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from './sqlite.ts';
import { nameKey } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'toolmesh-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('openSqliteStore', () => {
  it('creates the folder and file, and keeps pins and names across reopening', () => {
    const path = join(dir, 'nested', 'toolmesh.db');
    const store = openSqliteStore(path);
    store.pins.add('fs', 'read', 'h1', { name: 'read', description: 'Read' });
    store.pins.add('fs', 'read', 'h-other', { name: 'read' }); // first sight only: ignored
    store.names.remember([{ kind: 'tool', server: 'fs', original: 'read', served: 'read' }]);
    store.close();

    const again = openSqliteStore(path);
    const pin = again.pins.forServer('fs').get('read');
    assert.equal(pin?.hash, 'h1');
    assert.deepEqual(pin?.definition, { name: 'read', description: 'Read' });
    assert.equal(pin?.pending, undefined);
    assert.equal(again.names.all().get(nameKey('tool', 'fs', 'read'))?.served, 'read');
    again.close();
  });

  it('records a pending change, approves it, and clears it', () => {
    const store = openSqliteStore(':memory:');
    store.pins.add('fs', 'read', 'h1', { description: 'old' });
    assert.equal(store.pins.approve('fs', 'read'), false, 'nothing pending yet');
    store.pins.setPending('fs', 'read', { hash: 'h2', definition: { description: 'new' }, seenAt: 'now' });
    assert.equal(store.pins.list()[0]?.pending?.hash, 'h2');
    assert.equal(store.pins.approve('fs', 'read'), true);
    const [pin] = store.pins.list();
    assert.equal(pin?.hash, 'h2');
    assert.deepEqual(pin?.definition, { description: 'new' });
    assert.equal(pin?.pending, undefined);
    store.close();
  });

  it('keeps the order names were first remembered when one is updated', () => {
    const store = openSqliteStore(':memory:');
    store.names.remember([{ kind: 'tool', server: 'a', original: 'x', served: 'x' }]);
    store.names.remember([{ kind: 'tool', server: 'b', original: 'x', served: 'b__x' }]);
    store.names.remember([{ kind: 'tool', server: 'a', original: 'x', served: 'a__x' }]);
    const all = store.names.all();
    const a = all.get(nameKey('tool', 'a', 'x'));
    const b = all.get(nameKey('tool', 'b', 'x'));
    assert.equal(a?.served, 'a__x');
    assert.ok((a?.seq ?? 0) < (b?.seq ?? 0));
    store.close();
  });

  it('notices writes made by another connection to the same file', () => {
    const path = join(dir, 'shared.db');
    const hub = openSqliteStore(path);
    const cli = openSqliteStore(path);
    assert.equal(hub.changedElsewhere(), false);
    hub.pins.add('fs', 'own', 'h', {});
    assert.equal(hub.changedElsewhere(), false, 'its own writes do not count');
    cli.pins.add('fs', 'read', 'h', {});
    assert.equal(hub.changedElsewhere(), true);
    assert.equal(hub.changedElsewhere(), false);
    cli.close();
    hub.close();
  });
});
