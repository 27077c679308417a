/**
 * The SQLite journal's tables and the statements the runtime uses, prepared once per database.
 * `runs` holds each run with the workflow text it started with; `steps` one row per journal key.
 * The tables may share a file with the hub's store, so they do not use `PRAGMA user_version` (the
 * store's migrations count with it): columns added later are added when missing (`addMissingColumns`).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { GroupCommit } from './group-commit.ts';

/** Idempotent DDL, run at every open. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, workflow TEXT NOT NULL, file TEXT NOT NULL, source TEXT NOT NULL,
  inputs TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS steps (
  run_id TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL, starts INTEGER NOT NULL,
  value TEXT, error TEXT, started_at INTEGER NOT NULL, ended_at INTEGER,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS runs_status ON runs (status, created_at);
`;

/** Columns added after the first release of the tables: [table, column, type]. */
const ADDED_COLUMNS = [
  ['runs', 'ended_at', 'INTEGER'],
  // How many attempts the last call under the key made (retries + 1); NULL in journals older than it.
  ['steps', 'attempts', 'INTEGER'],
] as const;

/** Creates the tables and adds the columns a journal written by an older version lacks. */
export function createSchema(db: DatabaseSync): void {
  db.exec(SCHEMA);
  for (const [table, column, type] of ADDED_COLUMNS) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/** The prepared statements and the group commit every journal of one database shares. */
export interface Statements {
  readonly commit: GroupCommit;
  readonly insertRun: StatementSync;
  readonly getStep: StatementSync;
  readonly startStep: StatementSync;
  readonly endStep: StatementSync;
  readonly finishRun: StatementSync;
}

/** Prepares the statements on `db` (after `createSchema`). */
export function prepare(db: DatabaseSync): Statements {
  return {
    commit: new GroupCommit(db),
    insertRun: db.prepare(
      `INSERT INTO runs (id, workflow, file, source, inputs, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'running', ?) ON CONFLICT (id) DO NOTHING`,
    ),
    getStep: db.prepare('SELECT status, value, error FROM steps WHERE run_id = ? AND key = ?'),
    startStep: db.prepare(
      `INSERT INTO steps (run_id, key, status, starts, started_at) VALUES (?, ?, 'started', 1, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET starts = starts + 1, started_at = excluded.started_at`,
    ),
    endStep: db.prepare(
      `UPDATE steps SET status = ?, value = ?, error = ?, ended_at = ?, attempts = ?
       WHERE run_id = ? AND key = ?`,
    ),
    finishRun: db.prepare('UPDATE runs SET status = ?, outcome = ?, ended_at = ? WHERE id = ?'),
  };
}
