/**
 * Reading the journal back: which runs there are, and when each journal key started and ended. The
 * runtime answers with these (`SqliteRuntime.runs`, `.runHistory`), and so does a read-only view of a
 * journal file (`openRunHistory`) for `toolmesh runs list|show`, which must work without taking the
 * runtime's lock, also while a hub runs on the file.
 */
import { existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { JournaledError, RunOutcome, RunStatus } from './durable.ts';

/** One run as listed. Times are epoch milliseconds. */
export interface RunSummary {
  readonly id: string;
  readonly workflow: string;
  readonly file: string;
  readonly status: RunStatus;
  readonly createdAt: number;
  /** When the outcome was journaled; absent while running and in journals older than this column. */
  readonly endedAt?: number;
  readonly error?: string;
}

/** One journal key: a tool call of a step (`fetch`, `fetch[2]`, `poll#3`, `fetch:fallback`, `fetch:compensate`). */
export interface KeyTiming {
  readonly key: string;
  readonly status: 'started' | 'succeeded' | 'failed';
  /** Times the key was started: more than 1 when an idempotent call was re-run after an interruption. */
  readonly starts: number;
  /** Attempts of its last start (retries + 1), when known. */
  readonly attempts?: number;
  /** The last start. */
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly error?: JournaledError;
}

/** A run with what it was started with and every journal key, in order of (last) start. */
export interface RunHistory extends RunSummary {
  readonly source: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly keys: readonly KeyTiming[];
}

/** Which runs to list. */
export interface RunFilter {
  readonly status?: RunStatus;
  /** Most recent first; default 100. */
  readonly limit?: number;
}

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'needs-decision'];

type RunRow = {
  id: string;
  workflow: string;
  file: string;
  status: RunStatus;
  created_at: number;
  ended_at: number | null;
  outcome: string | null;
};

/** Runs, most recent first. */
export function listRuns(db: DatabaseSync, filter: RunFilter = {}): RunSummary[] {
  const where = filter.status ? 'WHERE status = ?' : '';
  const params = filter.status ? [filter.status] : [];
  const rows = db
    .prepare(
      `SELECT id, workflow, file, status, created_at, ended_at, outcome FROM runs ${where}
       ORDER BY created_at DESC, id LIMIT ?`,
    )
    .all(...params, filter.limit ?? 100) as RunRow[];
  return rows.map(summary);
}

/** The run `id` and its journal keys, or undefined for an unknown id. */
export function readRunHistory(db: DatabaseSync, id: string): RunHistory | undefined {
  const row = db
    .prepare(
      'SELECT id, workflow, file, status, created_at, ended_at, outcome, source, inputs FROM runs WHERE id = ?',
    )
    .get(id) as (RunRow & { source: string; inputs: string }) | undefined;
  if (!row) return undefined;
  const keys = db
    .prepare(
      `SELECT key, status, starts, attempts, started_at, ended_at, error FROM steps WHERE run_id = ?
       ORDER BY started_at, key`,
    )
    .all(id) as {
    key: string;
    status: KeyTiming['status'];
    starts: number;
    attempts: number | null;
    started_at: number;
    ended_at: number | null;
    error: string | null;
  }[];
  const outcome = row.outcome ? (JSON.parse(row.outcome) as RunOutcome) : undefined;
  return {
    ...summary(row),
    source: row.source,
    inputs: JSON.parse(row.inputs) as Record<string, unknown>,
    outputs: outcome?.outputs,
    keys: keys.map((k) => ({
      key: k.key,
      status: k.status,
      starts: k.starts,
      attempts: k.attempts ?? undefined,
      startedAt: k.started_at,
      endedAt: k.ended_at ?? undefined,
      error: k.error === null ? undefined : (JSON.parse(k.error) as JournaledError),
    })),
  };
}

function summary(row: RunRow): RunSummary {
  const outcome = row.outcome ? (JSON.parse(row.outcome) as RunOutcome) : undefined;
  return {
    id: row.id,
    workflow: row.workflow,
    file: row.file,
    status: row.status,
    createdAt: row.created_at,
    endedAt: row.ended_at ?? undefined,
    error: outcome?.error,
  };
}

/** A read-only view of the journal in a file. */
export interface RunHistoryReader {
  list(filter?: RunFilter): RunSummary[];
  get(id: string): RunHistory | undefined;
  close(): void;
}

/**
 * Opens the journal at `path` read-only. A file without runs (missing, or a store no run was journaled
 * in yet) reads as empty rather than failing: "no runs" is the truthful answer.
 */
export function openRunHistory(path: string): RunHistoryReader {
  if (path === ':memory:' || !existsSync(path)) return { list: () => [], get: () => undefined, close() {} };
  const db = new DatabaseSync(path, { readOnly: true, timeout: 2_000 });
  const hasRuns = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'`).get();
  const hasEnded = db.prepare(`SELECT 1 FROM pragma_table_info('runs') WHERE name = 'ended_at'`).get();
  if (!hasRuns || !hasEnded) {
    db.close();
    // A journal written before `ended_at` existed is upgraded by the next runtime that opens it.
    if (hasRuns)
      throw new Error(
        `the workflow journal ${path} is from an older version; start the hub once to upgrade it`,
      );
    return { list: () => [], get: () => undefined, close() {} };
  }
  return {
    list: (filter) => listRuns(db, filter),
    get: (id) => readRunHistory(db, id),
    close: () => db.close(),
  };
}
