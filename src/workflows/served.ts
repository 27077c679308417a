/**
 * The workflows a hub serves: the files of the config's `workflows:` section, each listed as an MCP tool
 * (its inputs are the tool's input schema) and run on one executor per hub, so capacity limits hold
 * across every run, whoever started it. Runs are journaled in the hub's store file.
 */
import { EventEmitter } from 'node:events';
import { glob } from 'node:fs/promises';
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import type { HubConfig } from '../config/model.ts';
import { HubError } from '../errors.ts';
import type { CallFn } from '../pipeline/call.ts';
import type { LocalToolSource } from '../pipeline/local-tools.ts';
import type { RouteOptions } from '../routing/logical-server.ts';
import { callWorkflowTool, workflowTool } from './as-tool.ts';
import type { DurableRuntime } from './durable.ts';
import type { WorkflowEvent } from './events.ts';
import { WorkflowExecutor } from './executor.ts';
import { loadWorkflow } from './load.ts';
import type { Workflow } from './model.ts';
import type { ToolCatalog } from './validate.ts';

export const WORKFLOWS_SOURCE = '(workflows)';

export interface ServedWorkflowsOptions {
  readonly call: CallFn;
  readonly tools: () => ToolCatalog;
  readonly runtime: DurableRuntime;
  /** Capacity units by server name. */
  readonly capacity?: ReadonlyMap<string, number>;
}

export class ServedWorkflows implements LocalToolSource {
  readonly name = WORKFLOWS_SOURCE;
  readonly executor: WorkflowExecutor;
  readonly runtime: DurableRuntime;
  /** Every event of every run on this hub, as it happens (`toolmesh run`, the admin API's stream). */
  readonly events = new EventEmitter<{ event: [WorkflowEvent] }>();
  #byName: ReadonlyMap<string, Workflow> = new Map();
  #tools: readonly Tool[] = [];

  constructor(workflows: readonly Workflow[], options: ServedWorkflowsOptions) {
    this.runtime = options.runtime;
    this.setWorkflows(workflows);
    this.events.setMaxListeners(0); // one per stream or progress display; none is a leak
    this.executor = new WorkflowExecutor({
      ...options,
      onEvent: (event) => this.events.emit('event', event),
    });
  }

  /**
   * Serves `workflows` from now on (hot reload); runs in flight keep the workflow they started with. The
   * owner tells the hub (`Hub.localToolsChanged`).
   */
  setWorkflows(workflows: readonly Workflow[]): void {
    this.#byName = new Map(workflows.map((workflow) => [workflow.name, workflow]));
    this.#tools = workflows.map((workflow) => workflowTool(workflow));
  }

  /** The served workflow called `name`. */
  byName(name: string): Workflow | undefined {
    return this.#byName.get(name);
  }

  list(): Workflow[] {
    return [...this.#byName.values()];
  }

  tools(): readonly Tool[] {
    return this.#tools;
  }

  call(name: string, args: Record<string, unknown>, options: RouteOptions): Promise<CallToolResult> {
    const workflow = this.#byName.get(name);
    // Dispatch routes only listed names, but a reload may have dropped this one since the catalog was read.
    if (!workflow) throw new HubError('UNKNOWN_TOOL', `unknown tool: ${name}`, { server: this.name });
    const signal = options.signal ?? new AbortController().signal;
    const { onprogress, origin, client } = options;
    return callWorkflowTool(this.executor, workflow, args, {
      signal,
      onprogress,
      caller: { origin, client },
    });
  }
}

/**
 * Reads every workflow file the config names (globs expanded, in order, each file once).
 * @throws ConfigError listing every file that does not load (file, line, field, fix), or a pattern that
 *   matched nothing, or two workflows with the same name.
 */
export async function loadServedWorkflows(config: HubConfig): Promise<Workflow[]> {
  const files: string[] = [];
  const problems: ConfigIssue[] = [];
  for (const pattern of config.workflows ?? []) {
    const matched: string[] = [];
    for await (const file of glob(pattern)) matched.push(file);
    matched.sort();
    if (matched.length === 0) {
      problems.push({
        file: config.file,
        path: 'workflows',
        message: `no workflow file matches ${pattern}`,
        fix: 'check the path (relative to the config file)',
      });
    }
    for (const file of matched) if (!files.includes(file)) files.push(file);
  }
  const workflows: Workflow[] = [];
  for (const file of files) {
    try {
      workflows.push(await loadWorkflow(file));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.issues);
    }
  }
  const seen = new Map<string, string>();
  for (const workflow of workflows) {
    const first = seen.get(workflow.name);
    if (first !== undefined) {
      problems.push({
        file: workflow.file,
        ...workflow.locate('name'),
        path: 'name',
        message: `the workflow name ${workflow.name} is taken by ${first}`,
        fix: 'give each workflow its own name: it is the name of its tool',
      });
    }
    seen.set(workflow.name, workflow.file);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return workflows;
}
