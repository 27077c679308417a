import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('commits the writes of one turn together, in order', async () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    const commit = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const commits: number[] = [];
    const seen = () => commits.push((db.prepare('SELECT count(*) AS c FROM t').get() as { c: number }).c);
    await Promise.all([1, 2, 3].map((n) => commit.write(() => insert.run(n)).then(seen)));
    assert.deepEqual(commits, [3, 3, 3], 'all three were committed before any write resolved');
    await commit.write(() => insert.run(4));
    assert.deepEqual(
      db
        .prepare('SELECT n FROM t')
        .all()
        .map((row) => row.n),
      [1, 2, 3, 4],
    );
    db.close();
  });

  it('fails every write of a failed batch and every later write, leaving nothing half-written', async () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    const commit = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const good = commit.write(() => insert.run(1));
    const bad = commit.write(() => insert.run(null));
    await assert.rejects(good, /NOT NULL/);
    await assert.rejects(bad, /NOT NULL/);
    await assert.rejects(
      commit.write(() => insert.run(2)),
      /NOT NULL/,
    );
    assert.deepEqual(db.prepare('SELECT n FROM t').all(), [], 'the batch was rolled back');
    db.close();
  });
});
