/**
 * A hub started from the config with its workflows and their journal, for `toolmesh run` and
 * `toolmesh runs resume|abort`: `openHub` (the config's orchestration), started, plus the journal as the
 * SQLite runtime it is, which these commands read and decide runs in.
 */
import type { HubConfig } from '../config/model.ts';
import type { Hub } from '../hub.ts';
import { createLogger } from '../observability/logger.ts';
import type { ServedWorkflows } from '../workflows/served.ts';
import type { SqliteRuntime } from '../workflows/sqlite-runtime.ts';
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
  const logger = createLogger(verbose ? 'debug' : 'silent');
  const { hub, orchestration, stop } = await openHub(config, logger, { requireJournal: true });
  try {
    await hub.start();
    return { hub, workflows: orchestration.workflows, journal: orchestration.journal, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
