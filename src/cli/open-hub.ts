import type { HubConfig } from '../config/model.ts';
import { Hub } from '../hub.ts';
import type { Logger } from '../observability/logger.ts';
import { type AttachOptions, attachOrchestration, type Orchestration } from '../orchestrate.ts';

/** A hub as every command that starts servers builds it: with the config's workflows (not started yet). */
export interface OpenHub {
  readonly hub: Hub;
  readonly orchestration: Orchestration;
  /** Stops the servers, then closes the workflow journal. */
  stop(): Promise<void>;
}

/**
 * @throws ConfigError when a workflow file of the config does not load; Error when `requireJournal` and
 *   another process owns the store's journal.
 */
export async function openHub(
  config: HubConfig,
  logger: Logger,
  options: AttachOptions = {},
): Promise<OpenHub> {
  const hub = new Hub(config, { logger });
  const orchestration = await attachOrchestration(hub, options);
  return {
    hub,
    orchestration,
    async stop() {
      await hub.stop();
      orchestration.close();
    },
  };
}
