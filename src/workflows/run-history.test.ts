import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from '../store/sqlite.ts';
import { openRunHistory } from './run-history.ts';
import { SqliteRuntime } from './sqlite-runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'toolmesh-history-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string) => ({ id, workflow: 'w', file: 'w.yaml', source: 'name: w', inputs: { n: 1 } });
const live = { idempotent: false, signal: new AbortController().signal };

describe('run history', () => {
  it('lists runs newest first with their outcome, and reads keys with attempts and end times', async () => {
    const file = join(dir, 'history.db');
    const runtime = new SqliteRuntime(file);
    const first = await runtime.open(record('a'));
    await first.step('fetch', { ...live, attempts: () => 3 }, async () => 'v');
    await first.finish({ status: 'succeeded', outputs: { x: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await runtime.open(record('b'));
    await second.finish({ status: 'failed', error: 'boom' });

    assert.deepEqual(
      runtime.runs().map((run) => [run.id, run.status, run.error]),
      [
        ['b', 'failed', 'boom'],
        ['a', 'succeeded', undefined],
      ],
    );
    assert.deepEqual(
      runtime.runs({ status: 'succeeded' }).map((run) => run.id),
      ['a'],
    );
    const history = runtime.runHistory('a');
    assert.deepEqual(history?.outputs, { x: 1 });
    assert.equal(history?.keys[0]?.attempts, 3);
    assert.ok((history?.keys[0]?.endedAt ?? 0) >= (history?.keys[0]?.startedAt ?? Infinity));
    assert.ok((history?.endedAt ?? 0) >= (history?.createdAt ?? Infinity));
    runtime.close();

    const reader = openRunHistory(file);
    assert.deepEqual(
      reader.list().map((run) => run.id),
      ['b', 'a'],
    );
    assert.equal(reader.get('missing'), undefined);
    reader.close();
  });

  it('shares its file with the hub store, and lets a reader in while a runtime holds the journal', async () => {
    const file = join(dir, 'shared.db');
    const store = openSqliteStore(file);
    const runtime = new SqliteRuntime(file);
    await (await runtime.open(record('r'))).finish({ status: 'succeeded' });
    store.pins.add('srv', 'tool', 'hash', {});
    assert.equal(store.pins.list().length, 1);
    const reader = openRunHistory(file);
    assert.deepEqual(
      reader.list().map((run) => run.id),
      ['r'],
    );
    reader.close();
    runtime.close();
    store.close();
  });

  it('reopens an open run, forgetting only the calls in flight, and never an ended one', async () => {
    const file = join(dir, 'decide.db');
    const runtime = new SqliteRuntime(file);
    const journal = await runtime.open(record('d'));
    await journal.step('done', live, async () => 1);
    const stopped = new AbortController();
    stopped.abort();
    await journal
      .step('inflight', { ...live, signal: stopped.signal }, () => Promise.reject(new Error('x')))
      .catch(() => {});
    await journal.finish({ status: 'needs-decision', error: 'decide' });
    assert.equal(runtime.reopen('d'), true);
    assert.equal(runtime.run('d')?.status, 'running');
    assert.deepEqual(
      runtime.history('d').map((key) => key.key),
      ['done'],
    );
    await runtime.abandon('d', 'aborted');
    assert.equal(runtime.run('d')?.status, 'failed');
    assert.equal(runtime.reopen('d'), false, 'an ended run stays ended');
    runtime.close();
  });

  it('adds the columns a journal from before run reports lacks, keeping its runs', () => {
    const file = join(dir, 'old.db');
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE runs (id TEXT PRIMARY KEY, workflow TEXT NOT NULL, file TEXT NOT NULL,
      source TEXT NOT NULL, inputs TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, created_at INTEGER NOT NULL);
      INSERT INTO runs VALUES ('old', 'w', 'w.yaml', 'name: w', '{}', 'running', NULL, 1)`);
    db.close();
    assert.throws(() => openRunHistory(file), /older version; start the hub once/);
    const runtime = new SqliteRuntime(file);
    assert.deepEqual(
      runtime.runs().map((run) => [run.id, run.endedAt]),
      [['old', undefined]],
    );
    runtime.close();
  });
});
