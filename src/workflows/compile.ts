/**
 * Compiles a schema-valid workflow file into the model (`model.ts`): parses every expression and
 * template, and infers each step's dependencies from its `steps.<id>` references.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax
import type { ConfigIssue } from '../config/config-error.ts';
import { compileExpression, type Expression } from './expr.ts';
import type { Reference, Step, ToolCall, Workflow } from './model.ts';
import type { StepSpec, ToolCallSpec, WorkflowFile } from './spec.ts';
import { compileTemplate, type Template, TemplateError } from './template.ts';

/** Compiles a schema-valid file. Collects every expression error as an issue instead of stopping at one. */
export function compileWorkflow(
  spec: WorkflowFile,
  file: string,
  source: string,
  locate: Workflow['locate'] = () => undefined,
): { workflow?: Workflow; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const steps = new Map<string, Step>();
  for (const [id, step] of Object.entries(spec.steps)) {
    const compiled = compileStep(id, step, (path, message, fix) => issues.push({ file, path, message, fix }));
    if (compiled) steps.set(id, compiled);
  }
  const outputRefs: Reference[] = [];
  let outputs: Template | undefined;
  try {
    outputs = compileTemplate(spec.outputs ?? {});
    outputRefs.push(...templateRefs('outputs', outputs));
  } catch (error) {
    issues.push(templateIssue(file, 'outputs', error));
  }
  if (issues.length > 0 || !outputs) return { issues };
  const workflow: Workflow = {
    name: spec.name,
    description: spec.description,
    file,
    source,
    inputs: spec.inputs,
    steps,
    outputs,
    outputRefs,
    locate,
  };
  return { workflow, issues };
}

type Report = (path: string, message: string, fix: string) => void;

function compileStep(id: string, spec: StepSpec, report: Report): Step | undefined {
  const base = `steps.${id}`;
  const refs: Reference[] = [];
  let ok = true;
  const template = (field: string, value: unknown): Template => {
    try {
      const compiled = compileTemplate(value ?? {});
      refs.push(...templateRefs(`${base}.${field}`, compiled));
      return compiled;
    } catch (error) {
      ok = false;
      const where = error instanceof TemplateError ? joinPath(field, error.path) : field;
      report(`${base}.${where}`, (error as Error).message, 'write a CEL expression inside ${{ }}');
      return compileTemplate({});
    }
  };
  const expression = (field: string, source: string | undefined): Expression | undefined => {
    if (source === undefined) return undefined;
    try {
      const expr = compileExpression(source);
      refs.push(...expr.refs.map((path) => ({ field: `${base}.${field}`, path })));
      return expr;
    } catch (error) {
      ok = false;
      report(`${base}.${field}`, `invalid expression: ${(error as Error).message}`, 'write a CEL expression');
      return undefined;
    }
  };
  const call = (field: string, value: ToolCallSpec | undefined): ToolCall | undefined =>
    value && { tool: value.tool, args: template(`${field}.args`, value.args) };

  const args = template('args', spec.args);
  const when = expression('when', spec.when);
  const items = expression('forEach.items', spec.forEach?.items);
  const condition = expression('until.condition', spec.until?.condition);
  const fallback = call('fallback', spec.fallback);
  const compensate = call('compensate', spec.compensate);
  if (!ok) return undefined;
  const referenced = refs.flatMap((ref) => (ref.path[0] === 'steps' && ref.path[1] ? [ref.path[1]] : []));
  return {
    id,
    tool: spec.tool,
    args,
    needs: [...new Set([...(spec.needs ?? []), ...referenced])].sort(),
    when,
    forEach: items && { items, concurrency: spec.forEach?.concurrency ?? 4 },
    until: condition && spec.until && { condition, max: spec.until.max, delayMs: spec.until.delayMs ?? 0 },
    timeoutMs: spec.timeoutMs,
    retry: spec.retry && {
      attempts: spec.retry.attempts,
      delayMs: spec.retry.delayMs ?? 100,
      maxDelayMs: spec.retry.maxDelayMs ?? 30_000,
    },
    fallback,
    compensate,
    idempotent: spec.idempotent,
    slots: spec.slots ?? 1,
    refs,
  };
}

function templateRefs(field: string, template: Template): Reference[] {
  return template.expressions.flatMap(({ path, expr }) =>
    expr.refs.map((ref) => ({ field: joinPath(field, path), path: ref })),
  );
}

function templateIssue(file: string, field: string, error: unknown): ConfigIssue {
  const where = error instanceof TemplateError ? joinPath(field, error.path) : field;
  return {
    file,
    path: where,
    message: (error as Error).message,
    fix: 'write a CEL expression inside ${{ }}',
  };
}

/** `args` + `['user', 0]` → `args.user[0]`. */
function joinPath(base: string, path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : `${out}.${seg}`),
    base,
  );
}
