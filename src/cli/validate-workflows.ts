/**
 * The workflow half of `toolmesh validate`: every workflow of the config (and any given on the command
 * line) loaded and checked, against the live catalog when the servers are started, else structurally.
 */
import { resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import type { HubConfig } from '../config/model.ts';
import { silentLogger } from '../observability/logger.ts';
import { loadWorkflow } from '../workflows/load.ts';
import type { Workflow } from '../workflows/model.ts';
import { loadServedWorkflows } from '../workflows/served.ts';
import { type ToolCatalog, validateWorkflow } from '../workflows/validate.ts';
import { openHub } from './open-hub.ts';

export interface WorkflowVerdict {
  readonly name: string;
  readonly file: string;
  readonly steps: number;
  readonly levels: number;
  readonly criticalPath: readonly string[];
  readonly issues: readonly ConfigIssue[];
}

export interface WorkflowCheck {
  /** Files that did not load at all (syntax, schema, missing file). */
  readonly loadIssues: readonly ConfigIssue[];
  readonly workflows: readonly WorkflowVerdict[];
  /** Whether tools were checked against a live catalog. */
  readonly againstCatalog: boolean;
  /** Servers that did not start, when the catalog was used: their tools count as unknown. */
  readonly serversDown: readonly string[];
}

/**
 * Loads and checks the workflows. With `offline` (or nothing to check) no server is started and the
 * tools are not checked; otherwise the hub starts its servers, and the catalog they list is the reference.
 */
export async function checkWorkflows(
  config: HubConfig,
  extraFiles: string[],
  offline: boolean,
): Promise<WorkflowCheck> {
  const loadIssues: ConfigIssue[] = [];
  const workflows: Workflow[] = [];
  const collect = async (load: () => Promise<Workflow[]>) => {
    try {
      workflows.push(...(await load()));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      loadIssues.push(...error.issues);
    }
  };
  await collect(() => loadServedWorkflows(config));
  for (const file of extraFiles) await collect(async () => [await loadWorkflow(resolve(file))]);
  if (workflows.length === 0 || offline) {
    return {
      loadIssues,
      workflows: workflows.map((w) => verdict(w, undefined)),
      againstCatalog: false,
      serversDown: [],
    };
  }
  const { hub, stop } = await openHub(config, silentLogger());
  try {
    await hub.start();
    const serversDown = hub
      .servers()
      .filter((server) => server.state !== 'ready' && server.state !== 'disabled')
      .map((server) => server.name);
    const tools = hub.catalog.tools;
    return {
      loadIssues,
      workflows: workflows.map((w) => verdict(w, tools)),
      againstCatalog: true,
      serversDown,
    };
  } finally {
    await stop();
  }
}

function verdict(workflow: Workflow, tools: ToolCatalog | undefined): WorkflowVerdict {
  const { name, file } = workflow;
  const steps = workflow.steps.size;
  try {
    const plan = validateWorkflow(workflow, tools);
    return { name, file, steps, levels: plan.levels.length, criticalPath: plan.criticalPath, issues: [] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { name, file, steps, levels: 0, criticalPath: [], issues: error.issues };
  }
}
