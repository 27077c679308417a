/**
 * Group commit for the SQLite journal: writes requested in the same turn of the event loop go into one
 * transaction, so one fsync covers them all. With `synchronous=FULL` a commit costs an fsync (0.2 ms on a
 * quiet SSD, several ms on a busy disk); many concurrent runs would otherwise queue behind one another.
 */
import type { DatabaseSync } from 'node:sqlite';

export class GroupCommit {
  readonly #db: DatabaseSync;
  #queue: { apply: () => void; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;
  #failure: unknown;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /**
   * Resolves once `apply` (a few synchronous statements) is committed to disk. Writes commit in the order
   * they were asked for. After a failed commit every later write fails too, so nothing is written past a
   * gap in the journal.
   */
  write(apply: () => void): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#queue.push({ apply, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also called before closing the database). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      for (const write of batch) write.apply();
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec('ROLLBACK');
      this.#failure = error;
      for (const write of [...batch, ...this.#queue.splice(0)]) write.reject(error);
      return;
    }
    for (const write of batch) write.resolve();
  }
}
