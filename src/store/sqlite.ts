import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { NameStore, PinRecord, PinStore, RememberedName, ServedName, Store } from './store.ts';
import { nameKey } from './store.ts';

/** Schema changes are appended here; `PRAGMA user_version` says how many have run. */
export const MIGRATIONS = [
  `CREATE TABLE pins (
     server TEXT NOT NULL, tool TEXT NOT NULL, hash TEXT NOT NULL, definition TEXT NOT NULL,
     first_seen TEXT NOT NULL, approved_at TEXT NOT NULL,
     pending_hash TEXT, pending_definition TEXT, pending_seen TEXT,
     PRIMARY KEY (server, tool)) STRICT;
   CREATE TABLE names (
     seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, server TEXT NOT NULL, original TEXT NOT NULL,
     served TEXT NOT NULL, UNIQUE (kind, server, original)) STRICT;`,
  // A count of writes to pins and names, kept by triggers, so a hub rereads the store only when one of them
  // changed, not for every commit to the file (a workflow journal shares it: a rebuild each second while
  // runs go on, 35 ms of CPU each with 2,000 tools).
  `CREATE TABLE catalog_revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL) STRICT;
   INSERT INTO catalog_revision VALUES (1, 0);
   ${['pins', 'names']
     .flatMap((table) =>
       ['INSERT', 'UPDATE', 'DELETE'].map(
         (event) => `CREATE TRIGGER ${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
            BEGIN UPDATE catalog_revision SET value = value + 1; END;`,
       ),
     )
     .join('\n   ')}`,
];

interface PinRow {
  server: string;
  tool: string;
  hash: string;
  definition: string;
  first_seen: string;
  approved_at: string;
  pending_hash: string | null;
  pending_definition: string | null;
  pending_seen: string | null;
}

/**
 * Opens (creating if needed) the SQLite store at `path` (`:memory:` for a store that lasts one process).
 * WAL mode, so a CLI command can read and approve while a hub has the file open.
 * @throws Error when the file cannot be created or opened (message names the path).
 */
export function openSqliteStore(path: string): Store {
  let db: DatabaseSync;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new DatabaseSync(path, { timeout: 5_000 });
    db.exec('PRAGMA journal_mode = WAL');
    migrate(db);
  } catch (error) {
    throw new Error(`cannot open the store ${path}: ${(error as Error).message}`, { cause: error });
  }
  const version = db.prepare('PRAGMA data_version');
  const revision = db.prepare('SELECT value FROM catalog_revision');
  let seenVersion = version.get()?.data_version;
  let seenRevision = revision.get()?.value;
  return {
    pins: pinStore(db),
    names: nameStore(db),
    changedElsewhere() {
      // data_version changes only when another connection commits, never for this one's own writes; the
      // revision says whether that commit touched pins or names. It counts this connection's writes too, so
      // one of its own can look foreign once, at the next commit elsewhere: a reread too many, never one
      // too few.
      const now = version.get()?.data_version;
      if (now === seenVersion) return false;
      seenVersion = now;
      const current = revision.get()?.value;
      const changed = current !== seenRevision;
      seenRevision = current;
      return changed;
    },
    close: () => db.close(),
  };
}

function migrate(db: DatabaseSync): void {
  const done = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
  for (let i = done; i < MIGRATIONS.length; i++) {
    db.exec('BEGIN');
    db.exec(MIGRATIONS[i] as string);
    db.exec(`PRAGMA user_version = ${i + 1}`);
    db.exec('COMMIT');
  }
}

function pinStore(db: DatabaseSync): PinStore {
  const byServer = db.prepare('SELECT * FROM pins WHERE server = ? ORDER BY tool');
  const all = db.prepare('SELECT * FROM pins ORDER BY server, tool');
  const insert = db.prepare(
    `INSERT INTO pins (server, tool, hash, definition, first_seen, approved_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (server, tool) DO NOTHING`,
  );
  const pending = db.prepare(
    'UPDATE pins SET pending_hash = ?, pending_definition = ?, pending_seen = ? WHERE server = ? AND tool = ?',
  );
  const approve = db.prepare(
    `UPDATE pins SET hash = pending_hash, definition = pending_definition, approved_at = ?,
       pending_hash = NULL, pending_definition = NULL, pending_seen = NULL
     WHERE server = ? AND tool = ? AND pending_hash IS NOT NULL`,
  );
  return {
    forServer(server) {
      const rows = byServer.all(server) as unknown as PinRow[];
      return new Map(rows.map((row) => [row.tool, toRecord(row)]));
    },
    list: () => (all.all() as unknown as PinRow[]).map(toRecord),
    add(server, tool, hash, definition) {
      const now = new Date().toISOString();
      insert.run(server, tool, hash, JSON.stringify(definition), now, now);
    },
    setPending(server, tool, next) {
      pending.run(
        next?.hash ?? null,
        next ? JSON.stringify(next.definition) : null,
        next?.seenAt ?? null,
        server,
        tool,
      );
    },
    approve: (server, tool) => Number(approve.run(new Date().toISOString(), server, tool).changes) > 0,
  };
}

function toRecord(row: PinRow): PinRecord {
  const record: PinRecord = {
    server: row.server,
    tool: row.tool,
    hash: row.hash,
    definition: JSON.parse(row.definition),
    firstSeen: row.first_seen,
    approvedAt: row.approved_at,
  };
  if (row.pending_hash === null) return record;
  return {
    ...record,
    pending: {
      hash: row.pending_hash,
      definition: JSON.parse(row.pending_definition ?? '{}'),
      seenAt: row.pending_seen ?? '',
    },
  };
}

function nameStore(db: DatabaseSync): NameStore {
  const all = db.prepare('SELECT seq, kind, server, original, served FROM names');
  const upsert = db.prepare(
    `INSERT INTO names (kind, server, original, served) VALUES (?, ?, ?, ?)
     ON CONFLICT (kind, server, original) DO UPDATE SET served = excluded.served`,
  );
  return {
    all() {
      const rows = all.all() as unknown as (ServedName & { seq: number })[];
      return new Map<string, RememberedName>(
        rows.map((row) => [
          nameKey(row.kind, row.server, row.original),
          { served: row.served, seq: row.seq },
        ]),
      );
    },
    remember(names) {
      if (names.length === 0) return;
      db.exec('BEGIN');
      try {
        for (const name of names) upsert.run(name.kind, name.server, name.original, name.served);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
  };
}
