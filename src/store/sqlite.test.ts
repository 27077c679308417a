import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { MIGRATIONS, openSqliteStore } from './sqlite.ts';
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
    cli.names.remember([{ kind: 'tool', server: 'fs', original: 'read', served: 'fs__read' }]);
    assert.equal(hub.changedElsewhere(), true, 'names count too');
    cli.close();
    hub.close();
  });

  it('does not count writes elsewhere to other tables of the file (a workflow journal)', () => {
    const path = join(dir, 'journal-too.db');
    const hub = openSqliteStore(path);
    const journal = new DatabaseSync(path, { timeout: 5_000 });
    journal.exec('CREATE TABLE runs (id TEXT PRIMARY KEY) STRICT');
    for (let i = 0; i < 3; i++) {
      journal.exec(`INSERT INTO runs VALUES ('run-${i}')`);
      assert.equal(hub.changedElsewhere(), false, `commit ${i} to the journal`);
    }
    journal.exec(`UPDATE pins SET pending_hash = NULL`); // touches no row, but is a write to pins
    journal.exec(`INSERT INTO pins (server, tool, hash, definition, first_seen, approved_at)
                  VALUES ('fs', 'read', 'h', '{}', 'now', 'now')`);
    assert.equal(hub.changedElsewhere(), true);
    journal.close();
    hub.close();
  });

  it('adds the write count to a store made before it, keeping its pins', () => {
    const path = join(dir, 'version-1.db');
    const old = new DatabaseSync(path);
    old.exec(MIGRATIONS[0] ?? '');
    old.exec('PRAGMA user_version = 1');
    old.exec(`INSERT INTO pins (server, tool, hash, definition, first_seen, approved_at)
              VALUES ('fs', 'read', 'h', '{}', 'then', 'then')`);
    old.close();
    const store = openSqliteStore(path);
    assert.deepEqual(
      store.pins.list().map((pin) => `${pin.server}/${pin.tool}`),
      ['fs/read'],
    );
    const other = openSqliteStore(path);
    other.pins.setPending('fs', 'read', { hash: 'h2', definition: {}, seenAt: 'now' });
    assert.equal(store.changedElsewhere(), true);
    other.close();
    store.close();
  });
});
