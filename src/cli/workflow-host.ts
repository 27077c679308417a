/**
 * A hub started from the config with its workflows, for `toolmesh run` and `toolmesh runs resume|abort`.
 * Stand-in for the hub's own orchestration (`attachOrchestration` in `src/orchestrate.ts`, which sets
 * `hub.workflows`): once that is on main, `attachWorkflows` below becomes that one call.
 */
import { EventEmitter } from 'node:events';
import { glob } from 'node:fs/promises';
import type { HubConfig } from '../config/model.ts';
import { Hub } from '../hub.ts';
import { createLogger } from '../observability/logger.ts';
import type { WorkflowEvent } from '../workflows/events.ts';
import { WorkflowExecutor } from '../workflows/executor.ts';
import { loadWorkflow } from '../workflows/load.ts';
import type { Workflow } from '../workflows/model.ts';
import { SqliteRuntime } from '../workflows/sqlite-runtime.ts';

/** What the CLI and the admin API use of a hub's workflows (the shape of `ServedWorkflows`). */
export interface WorkflowHost {
  readonly executor: WorkflowExecutor;
  readonly runtime: SqliteRuntime;
  readonly events: EventEmitter<{ event: [WorkflowEvent] }>;
  byName(name: string): Workflow | undefined;
  list(): Workflow[];
}

/** A started hub with its workflows; `stop` stops the servers and closes the journal. */
export interface WorkflowHub {
  readonly hub: Hub;
  readonly workflows: WorkflowHost;
  stop(): Promise<void>;
}

/**
 * Starts the configured servers with the config's workflows and the journal in the store file.
 * @throws ConfigError when a workflow file of the config does not load; Error when another process
 *   holds the journal (a running hub on the same store).
 */
export async function startWorkflowHub(config: HubConfig, verbose: boolean): Promise<WorkflowHub> {
  const hub = new Hub(config, { logger: createLogger(verbose ? 'debug' : 'silent') });
  let attached: Awaited<ReturnType<typeof attachWorkflows>> | undefined;
  try {
    attached = await attachWorkflows(hub);
    await hub.start();
  } catch (error) {
    await hub.stop();
    attached?.close();
    throw error;
  }
  const { workflows, close } = attached;
  return {
    hub,
    workflows,
    async stop() {
      await hub.stop();
      close();
    },
  };
}

/** Loads the config's workflows and opens the journal for `hub` (before it starts). */
export async function attachWorkflows(hub: Hub): Promise<{ workflows: WorkflowHost; close(): void }> {
  const files = new Set<string>();
  for (const pattern of hub.config.workflows ?? []) for await (const file of glob(pattern)) files.add(file);
  const loaded = await Promise.all([...files].sort().map((file) => loadWorkflow(file)));
  const byName = new Map(loaded.map((workflow) => [workflow.name, workflow]));
  const runtime = new SqliteRuntime(hub.config.store?.path ?? ':memory:');
  const events = new EventEmitter<{ event: [WorkflowEvent] }>();
  events.setMaxListeners(0); // one per event stream or progress display; none is a leak
  const executor = new WorkflowExecutor({
    call: hub.call,
    tools: () => hub.catalog.tools,
    runtime,
    onEvent: (event) => events.emit('event', event),
  });
  const workflows = {
    executor,
    runtime,
    events,
    byName: (name: string) => byName.get(name),
    list: () => loaded,
  };
  return { workflows, close: () => runtime.close() };
}
