/**
 * The embedded durable runtime: one SQLite file (node:sqlite) in WAL mode with synchronous=FULL, so each
 * journaled start and result is on disk before the executor moves on. Writes of concurrent steps share
 * one commit (`GroupCommit`). One runtime owns a journal at a time: it holds an exclusive lock on a
 * companion file (`<path>.lock`) until `close`, so the journal file itself stays open to other
 * connections: the hub's store in the same file, and `toolmesh runs list|show` reading it.
 */
import { DatabaseSync } from 'node:sqlite';
import { type ErrorCode, HubError } from '../errors.ts';
import {
  type DurableRuntime,
  InFlightError,
  type JournaledError,
  type RunJournal,
  type RunOutcome,
  type RunRecord,
  type RunStatus,
  type StepOptions,
} from './durable.ts';
import { listRuns, type RunFilter, type RunHistory, type RunSummary, readRunHistory } from './run-history.ts';
import { createSchema, prepare, type Statements } from './sqlite-statements.ts';

/** One journaled step, as `history` returns it. */
export interface StepRecord {
  readonly key: string;
  readonly status: 'started' | 'succeeded' | 'failed';
  /** How many times the step was started (more than 1 only for re-run idempotent steps). */
  readonly starts: number;
  readonly value?: unknown;
  readonly error?: JournaledError;
}

export interface SqliteRuntimeOptions {
  /** `FULL` (default) survives power loss; `NORMAL` survives a process crash and is ~10× faster. */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

/** A `DurableRuntime` on the SQLite file at `path` (created if missing; `:memory:` for a throwaway one). */
export class SqliteRuntime implements DurableRuntime {
  readonly name = 'sqlite';
  readonly #db: DatabaseSync;
  readonly #sql: Statements;
  readonly #lock: DatabaseSync | undefined;

  /** @throws Error when another process (or runtime) owns the journal at `path`. */
  constructor(path: string, options: SqliteRuntimeOptions = {}) {
    // To read a journal a hub owns, use `openRunHistory` (run-history.ts) instead.
    this.#lock = path === ':memory:' ? undefined : ownerLock(path);
    this.#db = new DatabaseSync(path);
    try {
      this.#db.exec('PRAGMA busy_timeout = 5000;');
      this.#db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'FULL'};`);
      createSchema(this.#db);
    } catch (error) {
      this.#db.close();
      this.#lock?.close();
      throw error;
    }
    this.#sql = prepare(this.#db);
  }

  async open(run: RunRecord): Promise<RunJournal> {
    const { id, workflow, file, source, inputs } = run;
    const created = Date.now();
    const json = JSON.stringify(inputs);
    await this.#sql.commit.write(() => this.#sql.insertRun.run(id, workflow, file, source, json, created));
    return new SqliteJournal(this.#sql, id);
  }

  unfinished(): RunRecord[] {
    this.#sql.commit.flush();
    const rows = this.#db
      .prepare(
        `SELECT id, workflow, file, source, inputs FROM runs WHERE status = 'running' ORDER BY created_at, id`,
      )
      .all() as { id: string; workflow: string; file: string; source: string; inputs: string }[];
    return rows.map((row) => ({ ...row, inputs: JSON.parse(row.inputs) as Record<string, unknown> }));
  }

  /** The stored status and outcome of a run, or undefined for an unknown id. */
  run(id: string): { status: RunStatus; outcome?: RunOutcome } | undefined {
    this.#sql.commit.flush();
    const row = this.#db.prepare('SELECT status, outcome FROM runs WHERE id = ?').get(id) as
      | { status: RunStatus; outcome: string | null }
      | undefined;
    if (!row) return undefined;
    return { status: row.status, outcome: row.outcome ? (JSON.parse(row.outcome) as RunOutcome) : undefined };
  }

  /** Every journaled step of a run, in the order they were first started. */
  history(id: string): StepRecord[] {
    this.#sql.commit.flush();
    const rows = this.#db
      .prepare(
        'SELECT key, status, starts, value, error FROM steps WHERE run_id = ? ORDER BY started_at, key',
      )
      .all(id) as {
      key: string;
      status: StepRecord['status'];
      starts: number;
      value: string | null;
      error: string | null;
    }[];
    return rows.map((row) => ({
      key: row.key,
      status: row.status,
      starts: row.starts,
      value: row.value === null ? undefined : JSON.parse(row.value),
      error: row.error === null ? undefined : (JSON.parse(row.error) as JournaledError),
    }));
  }

  /** Runs, most recent first (`toolmesh runs list`, `GET /api/v1/runs`). */
  runs(filter?: RunFilter): RunSummary[] {
    this.#sql.commit.flush();
    return listRuns(this.#db, filter);
  }

  /** A run with its journal keys' timings, for its report; undefined for an unknown id. */
  runHistory(id: string): RunHistory | undefined {
    this.#sql.commit.flush();
    return readRunHistory(this.#db, id);
  }

  /**
   * Decides the calls in flight of an open run (`running` or `needs-decision`) as "not done": forgets them
   * (started, never finished) and marks the run `running`, so the next run of it calls them again.
   * Journaled results stay. Used to resume a run that needs a decision, and to abort a run.
   * @returns false when the run is unknown or ended.
   */
  reopen(id: string): boolean {
    this.#sql.commit.flush();
    const status = this.run(id)?.status;
    if (status !== 'needs-decision' && status !== 'running') return false;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#db.prepare(`DELETE FROM steps WHERE run_id = ? AND status = 'started'`).run(id);
      this.#db
        .prepare(`UPDATE runs SET status = 'running', outcome = NULL, ended_at = NULL WHERE id = ?`)
        .run(id);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
    return true;
  }

  /** Ends an unfinished run as `failed` with `error`, without running anything (`toolmesh runs abort`). */
  async abandon(id: string, error: string): Promise<void> {
    const outcome = JSON.stringify({ status: 'failed', error } satisfies RunOutcome);
    await this.#sql.commit.write(() => this.#sql.finishRun.run('failed', outcome, Date.now(), id));
  }

  /** Commits what is queued and closes the file. */
  close(): void {
    if (!this.#db.isOpen) return;
    this.#sql.commit.flush();
    this.#db.close();
    this.#lock?.close();
  }
}

/**
 * Ownership of the journal at `path`: an exclusive SQLite lock on `<path>.lock`, held until close, so two
 * hubs can never resume the same runs twice. The journal itself stays shared (WAL), so `toolmesh runs`
 * and the pin store can read and write the same file while a hub runs. A lock left by a killed process
 * goes away with the process.
 * @throws Error when another process (or runtime) owns it.
 */
function ownerLock(path: string): DatabaseSync {
  const lock = new DatabaseSync(`${path}.lock`);
  try {
    // With locking_mode EXCLUSIVE the lock taken by the first write transaction is kept until close.
    lock.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA busy_timeout = 0; BEGIN EXCLUSIVE; COMMIT;');
    return lock;
  } catch (error) {
    lock.close();
    const busy = /locked|busy/i.test((error as Error).message);
    if (!busy) throw error;
    throw new Error(`workflow journal ${path} is in use by another process`, { cause: error });
  }
}

type StepRow = {
  status: StepRecord['status'];
  value: string | null;
  error: string | null;
  attempts?: number | null;
};

class SqliteJournal implements RunJournal {
  readonly #sql: Statements;
  readonly #runId: string;
  /** Outcomes queued for the next commit, so this journal reads its own writes before they are on disk. */
  readonly #queued = new Map<string, StepRow>();

  constructor(sql: Statements, runId: string) {
    this.#sql = sql;
    this.#runId = runId;
  }

  async step(key: string, options: StepOptions, fn: () => Promise<unknown>): Promise<unknown> {
    const row = this.#queued.get(key) ?? (this.#sql.getStep.get(this.#runId, key) as StepRow | undefined);
    if (row?.status === 'succeeded') return row.value === null ? undefined : JSON.parse(row.value);
    if (row?.status === 'failed') throw revive(JSON.parse(row.error ?? '{}') as JournaledError);
    if (row && !options.idempotent) throw new InFlightError(key);
    const started = Date.now();
    await this.#sql.commit.write(() => this.#sql.startStep.run(this.#runId, key, started));
    let value: unknown;
    const attempts = () => options.attempts?.() ?? null;
    try {
      value = await fn();
    } catch (error) {
      const failed = JSON.stringify(journaled(error));
      if (!options.signal.aborted) {
        this.#end(key, { status: 'failed', value: null, error: failed, attempts: attempts() });
      }
      throw error;
    }
    // A value is real even if the run was abandoned meanwhile: keep it, so a resume need not call again.
    this.#end(key, {
      status: 'succeeded',
      value: JSON.stringify(value ?? null),
      error: null,
      attempts: attempts(),
    });
    return value;
  }

  finish(outcome: RunOutcome): Promise<void> {
    const json = JSON.stringify(outcome);
    const ended = Date.now();
    return this.#sql.commit.write(() => this.#sql.finishRun.run(outcome.status, json, ended, this.#runId));
  }

  /**
   * Queues the outcome without waiting for the commit. It is still on disk before anything can depend on
   * it: whatever does (a dependent's tool call, a compensation, the run's end) first awaits a write of its
   * own, and writes commit in order, failing for good once one commit failed (`GroupCommit`). So a chain
   * of steps costs one commit per step: one step's result and the next step's start share it.
   */
  #end(key: string, row: StepRow): void {
    this.#queued.set(key, row);
    const ended = Date.now();
    this.#sql.commit
      .write(() =>
        this.#sql.endStep.run(
          row.status,
          row.value,
          row.error,
          ended,
          row.attempts ?? null,
          this.#runId,
          key,
        ),
      )
      .then(
        () => this.#queued.delete(key),
        () => {}, // the next awaited write fails the same way and reports it
      );
  }
}

function journaled(error: unknown): JournaledError {
  if (HubError.is(error)) return { code: error.code, message: error.message, server: error.server };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function revive(error: JournaledError): HubError {
  return new HubError(error.code as ErrorCode, error.message, { server: error.server });
}
