/**
 * The durability contract the executor runs on. The embedded runtime keeps the journal in SQLite
 * (`sqlite-runtime.ts`); a distributed engine (Restate) can implement the same two interfaces later,
 * so the executor (retries, fallback, compensation) is written once.
 */

/** A run as stored: enough to rebuild it after a restart with the same graph and inputs. */
export interface RunRecord {
  readonly id: string;
  /** Workflow name. */
  readonly workflow: string;
  /** The file it was loaded from, for messages. */
  readonly file: string;
  /** The workflow file's text at the time the run started. */
  readonly source: string;
  readonly inputs: Record<string, unknown>;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'needs-decision';

/** How a run ended. `needs-decision`: a non-idempotent step was in flight when the hub stopped. */
export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly outputs?: Record<string, unknown>;
  /** Why it failed or what needs deciding (no secrets: messages from HubErrors). */
  readonly error?: string;
}

/** The journaled form of a step's failure: enough to rethrow the same `HubError` on replay. */
export interface JournaledError {
  readonly code: string;
  readonly message: string;
  readonly server?: string;
}

export interface StepOptions {
  /** Whether the step may be run twice (decides what happens to a step found in flight). */
  readonly idempotent: boolean;
  /**
   * When aborted, a failure is not journaled (it is most likely the abort itself): the step stays in flight,
   * exactly as after a crash. A value that arrived is journaled all the same.
   */
  readonly signal: AbortSignal;
  /** How many attempts the call made so far (retries + 1), read when it ends, for run reports. */
  readonly attempts?: () => number;
}

/** The journal of one run. */
export interface RunJournal {
  /**
   * Runs `fn` at most once per `key` across restarts, as far as the journal can tell. A key that finished
   * before returns its journaled value (or rethrows its journaled error as a `HubError`) without calling
   * `fn`. Otherwise the start is journaled, `fn` runs, and its outcome is journaled before this resolves,
   * so nothing depends on a result that is not durable. A key found started but never finished was in
   * flight when the last process stopped: it runs again when `idempotent`, else this rejects with
   * `InFlightError`.
   */
  step(key: string, options: StepOptions, fn: () => Promise<unknown>): Promise<unknown>;
  /** Records the end of the run; it is no longer `unfinished` once this resolves. */
  finish(outcome: RunOutcome): Promise<void>;
}

/** A durable store of runs and their step journals. */
export interface DurableRuntime {
  readonly name: string;
  /**
   * The journal of `run.id`, creating the run if it is new (an existing run keeps its stored record).
   * Resolves once the run is durable.
   */
  open(run: RunRecord): Promise<RunJournal>;
  /** Runs still `running`, oldest first: what to resume after a restart. */
  unfinished(): RunRecord[];
}

/** A non-idempotent step was in flight when the previous process stopped; someone must decide. */
export class InFlightError extends Error {
  override name = 'InFlightError';
  readonly key: string;
  constructor(key: string) {
    super(
      `step ${key} was in flight when the run was interrupted and is not idempotent; decide: resume or abort`,
    );
    this.key = key;
  }
}
