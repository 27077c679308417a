/**
 * Puts the config's orchestration on a hub: the `workflows:` files served as tools (one executor, its
 * journal in the hub's store file), the `composites:` fan-out tools, and, after a restart, the runs the
 * journal says are unfinished.
 * Separate from `Hub` so the hub as a library carries no workflow engine unless asked to.
 */
import { COMPOSITES_SOURCE, createCompositeSource } from './composite/source.ts';
import type { HubConfig } from './config/model.ts';
import { describeError } from './errors.ts';
import type { Hub } from './hub.ts';
import { loadServedWorkflows, ServedWorkflows, WORKFLOWS_SOURCE } from './workflows/served.ts';
import { SqliteRuntime } from './workflows/sqlite-runtime.ts';

/** What `attachOrchestration` added, and how to let go of it after `hub.stop()`. */
export interface Orchestration {
  readonly workflows: ServedWorkflows;
  /** The journal the workflows run on (in the store file, or in memory; see `AttachOptions`). */
  readonly journal: SqliteRuntime;
  /** Closes the journal. */
  close(): void;
}

export interface AttachOptions {
  /**
   * When another process owns the store's journal: `true` throws (commands that promise a resumable run:
   * `toolmesh run`, `runs resume|abort`); otherwise (default) the runs are kept in memory, with a warning.
   */
  readonly requireJournal?: boolean;
}

/**
 * Loads the config's workflows and composites and serves them on `hub` (workflows also as
 * `hub.workflows`). Call it before `hub.start()`, so the first catalog lists them.
 * @throws ConfigError when a workflow file does not load or a composite is malformed (bad template,
 *   input schema, or composites calling each other in a loop).
 */
export async function attachOrchestration(hub: Hub, options: AttachOptions = {}): Promise<Orchestration> {
  const { config } = hub;
  const prepared = await prepareOrchestration(hub, config);
  const runtime = openJournal(hub, options.requireJournal ?? false);
  const capacity = new Map(
    config.servers.flatMap((server) =>
      server.capacity === undefined ? [] : [[server.name, server.capacity]],
    ),
  );
  const served = new ServedWorkflows([], {
    call: hub.call,
    tools: () => hub.catalog.tools,
    runtime,
    capacity,
  });
  hub.setLocalTools(served);
  hub.workflows = served;
  prepared.apply();
  return { workflows: served, journal: runtime, close: () => runtime.close() };
}

/**
 * Loads and compiles `config`'s workflows and composites without touching `hub`; `apply` then serves them
 * in place of the current ones (hot reload: a bad edit throws here and changes nothing).
 * @throws ConfigError as `attachOrchestration`.
 */
export async function prepareOrchestration(hub: Hub, config: HubConfig): Promise<{ apply(): void }> {
  const workflows = await loadServedWorkflows(config);
  const serverOf = (tool: string) => hub.catalog.tools.get(tool)?.server;
  const composites = config.composites?.length
    ? createCompositeSource(config.composites, hub.call, { file: config.file, serverOf })
    : undefined;
  return {
    apply() {
      hub.workflows?.setWorkflows(workflows);
      hub.localToolsChanged(WORKFLOWS_SOURCE);
      if (composites) hub.setLocalTools(composites);
      else hub.removeLocalTools(COMPOSITES_SOURCE);
    },
  };
}

/**
 * Resumes every run the journal holds as unfinished (after a crash or a stop mid-run), in the background;
 * call it once the hub started, so the catalog knows the tools. Each outcome is logged.
 */
export function resumeUnfinishedRuns(hub: Hub, served: ServedWorkflows): void {
  const unfinished = served.runtime.unfinished();
  if (unfinished.length === 0) return;
  hub.logger.info({ runs: unfinished.length }, 'resuming unfinished workflow runs');
  void served.executor.resumeAll().then((results) => {
    results.forEach((result, index) => {
      const run = unfinished[index]?.id;
      if (result.status === 'fulfilled') hub.logger.info({ run, status: result.value.status }, 'run resumed');
      else hub.logger.warn({ run, err: describeError(result.reason) }, 'run not resumed');
    });
  });
}

/**
 * The journal lives in the store file; when that cannot be opened, in memory, as the store does (or, with
 * `required`, not at all).
 */
function openJournal(hub: Hub, required: boolean): SqliteRuntime {
  const path = hub.config.store?.path ?? ':memory:';
  try {
    return new SqliteRuntime(path);
  } catch (error) {
    if (required) {
      const hint = 'a "toolmesh serve" on the same store? Stop it, or use a config with another store.path';
      throw new Error(`${(error as Error).message} (${hint})`, { cause: error });
    }
    // Usually a second hub on the same store (two desktop hosts, each starting one): say how to keep runs.
    hub.logger.warn(
      {
        err: describeError(error),
        fix: 'give this config its own store.path to keep its runs across restarts',
      },
      'workflow journal unavailable: runs are kept in memory only',
    );
    return new SqliteRuntime(':memory:');
  }
}
