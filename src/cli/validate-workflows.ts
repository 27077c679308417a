/**
 * The orchestration half of `toolmesh validate`: every workflow of the config (and any given on the
 * command line) loaded and checked, and every composite compiled, against the live catalog when the
 * servers are started (tools exist, literal arguments fit), else structurally.
 */
import { resolve } from 'node:path';
import type { Tool } from '@modelcontextprotocol/client';
import type { CatalogEntry } from '../catalog/catalog.ts';
import { createCompositeSource } from '../composite/source.ts';
import { ConfigError, type ConfigIssue, formatPath } from '../config/config-error.ts';
import type { HubConfig } from '../config/model.ts';
import { silentLogger } from '../observability/logger.ts';
import { workflowTool } from '../workflows/as-tool.ts';
import { loadWorkflow } from '../workflows/load.ts';
import type { Workflow } from '../workflows/model.ts';
import { loadServedWorkflows, WORKFLOWS_SOURCE } from '../workflows/served.ts';
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
  /** Workflow files that did not load at all (syntax, schema, missing file), and composites' problems. */
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
  await collect(async () => {
    createCompositeSource(config.composites ?? [], async () => ({}), { file: config.file });
    return [];
  });
  const nothingToStart = workflows.length === 0 && !config.composites?.length;
  if (nothingToStart || offline || loadIssues.length > 0) {
    const verdicts = workflows.map((w) => verdict(w, undefined));
    return { loadIssues, workflows: verdicts, againstCatalog: false, serversDown: [] };
  }
  const { hub, stop } = await openHub({ ...config, workflows: [] }, silentLogger());
  try {
    await hub.start();
    const serversDown = hub
      .servers()
      .filter((server) => server.state !== 'ready' && server.state !== 'disabled')
      .map((server) => server.name);
    // The catalog as served, workflows included: a workflow may call another, or a composite.
    const tools: ToolCatalog = new Map([
      ...hub.catalog.tools,
      ...workflows.map((w) => [w.name, workflowEntry(w)] as const),
    ]);
    loadIssues.push(...unknownBranchTools(config, tools));
    const verdicts = workflows.map((w) => verdict(w, tools));
    return { loadIssues, workflows: verdicts, againstCatalog: true, serversDown };
  } finally {
    await stop();
  }
}

/** A workflow as the catalog entry of its tool. */
function workflowEntry(workflow: Workflow): CatalogEntry<Tool> {
  const { name } = workflow;
  return { name, server: WORKFLOWS_SOURCE, original: name, definition: workflowTool(workflow) };
}

function unknownBranchTools(config: HubConfig, tools: ToolCatalog): ConfigIssue[] {
  return (config.composites ?? []).flatMap((composite) =>
    composite.branches.flatMap((branch, index) => {
      if (tools.has(branch.tool)) return [];
      const path = formatPath(['composites', composite.name, 'branches', index, 'tool']);
      const fix = 'use a name that "toolmesh tools" lists';
      return [{ file: config.file, path, message: `unknown tool "${branch.tool}"`, fix }];
    }),
  );
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
