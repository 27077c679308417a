/**
 * Validation before running, against the catalog the workflow will run on: unknown steps and tools,
 * cycles, references to variables, steps or fields that do not exist, and literal arguments that break the
 * tool's input schema. Every issue names the file, the field (`steps.<id>.args.<field>`) and a fix.
 */
import type { Tool } from '@modelcontextprotocol/client';
import type { CatalogEntry } from '../catalog/catalog.ts';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { didYouMean } from '../config/suggest.ts';
import { argumentIssues, schemaProblem } from './json-schema.ts';
import type { Reference, Step, ToolCall, Workflow } from './model.ts';
import { CycleError, type Plan, planSteps } from './plan.ts';

/** The tools a workflow may call, by catalog name (`hub.catalog.tools`). */
export type ToolCatalog = ReadonlyMap<string, CatalogEntry<Tool>>;

/** What a step's result exposes to expressions: `steps.<id>.status` and `steps.<id>.result`. */
export const STEP_FIELDS = ['result', 'status'] as const;

/**
 * Checks `workflow` against `tools` and plans it. Without `tools` (no catalog at hand: `toolmesh validate
 * --offline`), everything but the tools themselves is checked: steps, references, inputs, cycles.
 * @throws ConfigError listing every issue found.
 */
export function validateWorkflow(workflow: Workflow, tools: ToolCatalog | undefined): Plan {
  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string, fix: string) =>
    issues.push({ file: workflow.file, ...workflow.locate(path), path, message, fix });
  const inputProblem = workflow.inputs && schemaProblem(workflow.inputs);
  if (inputProblem) add('inputs', `invalid JSON Schema: ${inputProblem}`, 'write a JSON Schema (2020-12)');
  for (const step of workflow.steps.values()) {
    for (const need of step.needs) {
      if (workflow.steps.has(need) || step.refs.some((ref) => ref.path[1] === need)) continue;
      add(
        `steps.${step.id}.needs`,
        `unknown step "${need}"`,
        suggest(need, [...workflow.steps.keys()], 'step'),
      );
    }
    checkCall(step, { tool: step.tool, args: step.args }, '', tools, add);
    if (step.fallback) checkCall(step, step.fallback, 'fallback.', tools, add);
    if (step.compensate) checkCall(step, step.compensate, 'compensate.', tools, add);
    for (const ref of step.refs) checkReference(workflow, ref, scopeOf(step, ref.field), tools, add);
  }
  for (const ref of workflow.outputRefs) checkReference(workflow, ref, ['inputs', 'steps'], tools, add);
  if (issues.length > 0) throw new ConfigError(issues);
  try {
    return planSteps(workflow.steps);
  } catch (error) {
    if (!(error instanceof CycleError)) throw error;
    const fix = 'remove one of these dependencies (a reference or a needs entry)';
    const path = `steps.${error.cycle[0]}`;
    throw new ConfigError([
      { file: workflow.file, ...workflow.locate(path), path, message: error.message, fix },
    ]);
  }
}

type Add = (path: string, message: string, fix: string) => void;

function checkCall(step: Step, call: ToolCall, prefix: string, tools: ToolCatalog | undefined, add: Add) {
  if (!tools) return;
  const at = `steps.${step.id}.${prefix}`;
  const entry = tools.get(call.tool);
  if (!entry) {
    add(`${at}tool`, `unknown tool "${call.tool}"`, suggest(call.tool, [...tools.keys()], 'tool'));
    return;
  }
  for (const problem of argumentIssues(entry.definition.inputSchema, call.args)) {
    add(`${at}args${problem.path}`, problem.message, `see the input schema of ${call.tool}`);
  }
}

/** The variables an expression may read, by where it is written. */
function scopeOf(step: Step, field: string): string[] {
  const local = field.slice(`steps.${step.id}.`.length);
  const scope = ['inputs', 'steps'];
  const perItem = local.startsWith('args') || local.startsWith('fallback') || local.startsWith('until');
  if (step.forEach && perItem) scope.push('item', 'index');
  if (step.until && (local.startsWith('args') || local.startsWith('until'))) scope.push('iteration');
  if (local.startsWith('until') || local.startsWith('compensate')) scope.push('result');
  return scope;
}

function checkReference(
  workflow: Workflow,
  ref: Reference,
  scope: string[],
  tools: ToolCatalog | undefined,
  add: Add,
) {
  const [root = '', name, field, property] = ref.path;
  if (!scope.includes(root)) {
    add(ref.field, `unknown variable "${root}"`, `use one of ${scope.join(', ')}`);
    return;
  }
  if (root === 'inputs' && name !== undefined) {
    const declared = Object.keys((workflow.inputs?.properties as object | undefined) ?? {});
    if (!declared.includes(name))
      add(
        ref.field,
        `unknown input "${name}"`,
        `${suggest(name, declared, 'input')} (declare it under inputs.properties)`,
      );
  }
  if (root !== 'steps' || name === undefined) return;
  const target = workflow.steps.get(name);
  if (!target) {
    add(ref.field, `unknown step "${name}"`, suggest(name, [...workflow.steps.keys()], 'step'));
    return;
  }
  if (field !== undefined && !(STEP_FIELDS as readonly string[]).includes(field)) {
    add(
      ref.field,
      `unknown field "${field}" of step "${name}"`,
      `use ${STEP_FIELDS.map((f) => `steps.${name}.${f}`).join(' or ')}`,
    );
    return;
  }
  if (field !== 'result' || property === undefined || target.forEach) return;
  const output = tools?.get(target.tool)?.definition.outputSchema;
  const known = Object.keys((output?.properties as object | undefined) ?? {});
  if (output?.properties && !known.includes(property)) {
    add(ref.field, `${target.tool} has no output field "${property}"`, suggest(property, known, 'field'));
  }
}

function suggest(name: string, known: string[], kind: string): string {
  const guess = didYouMean(name, known);
  if (guess) return `did you mean "${guess}"?`;
  return known.length > 0 && known.length <= 12
    ? `known ${kind}s: ${known.join(', ')}`
    : `check the ${kind} name`;
}
