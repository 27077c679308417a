/**
 * A hub started from the config with its workflows and their journal, for `toolmesh run` and
 * `toolmesh runs resume|abort`: `openHub` (the config's orchestration), started, plus the journal as the
 * SQLite runtime it is, which these commands read and decide runs in.
 */
import type { HubConfig } from '../config/model.ts';
import type { Hub } from '../hub.ts';
import { createLogger } from '../observability/logger.ts';
import type { DurableRuntime } from '../workflows/durable.ts';
import type { ServedWorkflows } from '../workflows/served.ts';
import { SqliteRuntime } from '../workflows/sqlite-runtime.ts';
import { openHub } from './open-hub.ts';

/** A started hub with its workflows; `stop` stops the servers and closes the journal. */
export interface WorkflowHub {
  readonly hub: Hub;
  readonly workflows: ServedWorkflows;
  /** The journal in the store file. */
  readonly journal: SqliteRuntime;
  stop(): Promise<void>;
}

/**
 * Starts the configured servers with the config's workflows and the journal in the store file.
 * @throws ConfigError when a workflow file of the config does not load; Error when another process
 *   owns the journal (a running hub on the same store).
 */
export async function startWorkflowHub(config: HubConfig, verbose: boolean): Promise<WorkflowHub> {
  const { hub, orchestration, stop } = await openHub(config, createLogger(verbose ? 'debug' : 'silent'));
  try {
    const journal = ownJournal(orchestration.workflows.runtime, config);
    await hub.start();
    return { hub, workflows: orchestration.workflows, journal, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The hub's journal when it is the one in the store file. A hub whose store journal is owned by another
 * process runs on a journal in memory instead (and says so in its log); a command that promises a
 * resumable run must not, so it refuses.
 */
function ownJournal(runtime: DurableRuntime, config: HubConfig): SqliteRuntime {
  const path = config.store?.path ?? ':memory:';
  if (runtime instanceof SqliteRuntime && runtime.path === path) return runtime;
  throw new Error(
    `workflow journal ${path} is in use by another process (a "toolmesh serve" on the same store?): stop it, or use a config with another store.path`,
  );
}
