/**
 * The executor: runs a validated workflow on a `DurableRuntime`, starting each step as soon as every step
 * it needs has succeeded, and sending every tool call through the hub's call path (`CallFn`, the same one
 * a client's `tools/call` takes). When a step fails for good, no new step starts; steps in flight finish;
 * then the `compensate` calls of the steps that succeeded run in reverse order of completion.
 */
import { randomUUID } from 'node:crypto';
import { HubError, isAbortError } from '../errors.ts';
import type { CallFn } from '../pipeline/call.ts';
import { Capacity } from './capacity.ts';
import { type DurableRuntime, InFlightError, type RunJournal, type RunStatus } from './durable.ts';
import type { EventSink } from './events.ts';
import { toCel } from './expr.ts';
import { validatorFor } from './json-schema.ts';
import { parseWorkflow } from './load.ts';
import type { Workflow } from './model.ts';
import type { Plan } from './plan.ts';
import { evaluate, runStep } from './step-runner.ts';
import { journaledCall, type RunContext } from './tool-call.ts';
import { type ToolCatalog, validateWorkflow } from './validate.ts';

export interface ExecutorOptions {
  /** The hub's call path (`hub.call`). */
  readonly call: CallFn;
  /** The current catalog's tools (`() => hub.catalog.tools`): tool → server, annotations, schemas. */
  readonly tools: () => ToolCatalog;
  readonly runtime: DurableRuntime;
  /** Capacity units per server name shared by every run of this executor; unlisted servers are unlimited. */
  readonly capacity?: Readonly<Record<string, number>>;
  readonly onEvent?: EventSink;
}

/** How a run ended, as far as this process saw it. */
export interface RunResult {
  readonly runId: string;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly outputs?: Record<string, unknown>;
  readonly error?: string;
  /** Final state of each step that was reached; compensated steps keep `succeeded`. */
  readonly steps: ReadonlyMap<string, 'succeeded' | 'failed' | 'skipped'>;
  /** Steps whose compensation ran, in the order it ran. */
  readonly compensated: readonly string[];
}

export class WorkflowExecutor {
  readonly #options: ExecutorOptions;
  readonly #capacity = new Map<string, Capacity>();
  readonly #plans = new WeakMap<Workflow, Plan>();

  constructor(options: ExecutorOptions) {
    this.#options = options;
    for (const [server, limit] of Object.entries(options.capacity ?? {}))
      this.#capacity.set(server, new Capacity(limit));
  }

  /**
   * Runs `workflow` with `inputs` (checked against its input schema) as run `runId` (new when omitted).
   * Resolves with the outcome, also when a step failed. When `signal` aborts, the run is left unfinished
   * in the journal (resumable) and this rejects with `CANCELLED`.
   * @throws ConfigError when the workflow does not validate against the current catalog;
   *   HubError `INVALID_REQUEST` for inputs that break the schema.
   */
  async run(
    workflow: Workflow,
    inputs: Record<string, unknown>,
    options: { runId?: string; signal?: AbortSignal } = {},
  ): Promise<RunResult> {
    const tools = this.#options.tools();
    const plan = this.#plans.get(workflow) ?? validateWorkflow(workflow, tools);
    this.#plans.set(workflow, plan);
    checkInputs(workflow, inputs);
    const runId = options.runId ?? randomUUID();
    const { file, source, name } = workflow;
    const journal = this.#options.runtime.open({ id: runId, workflow: name, file, source, inputs });
    const ctx: RunContext = {
      runId,
      journal,
      call: this.#options.call,
      tools,
      capacity: (server) => this.#capacity.get(server),
      signal: options.signal ?? new AbortController().signal,
      emit: (event) => {
        try {
          this.#options.onEvent?.(event);
        } catch {} // a broken listener must not break the run
      },
    };
    return execute(ctx, workflow, plan, inputs);
  }

  /** Resumes every unfinished run of the runtime from its journal (after a restart), one after another. */
  async resumeAll(signal?: AbortSignal): Promise<RunResult[]> {
    const results: RunResult[] = [];
    for (const record of this.#options.runtime.unfinished()) {
      const workflow = parseWorkflow(record.source, record.file);
      results.push(await this.run(workflow, record.inputs, { runId: record.id, signal }));
    }
    return results;
  }
}

function checkInputs(workflow: Workflow, inputs: Record<string, unknown>): void {
  if (!workflow.inputs) return;
  const validate = validatorFor(workflow.inputs);
  if (validate(inputs)) return;
  const problems = (validate.errors ?? []).map(
    (e) => `${e.instancePath || 'inputs'} ${e.message ?? 'invalid'}`,
  );
  throw new HubError(
    'INVALID_REQUEST',
    `invalid inputs for workflow ${workflow.name}: ${problems.join('; ')}`,
  );
}

async function execute(
  ctx: RunContext,
  workflow: Workflow,
  plan: Plan,
  inputs: Record<string, unknown>,
): Promise<RunResult> {
  const steps = new Map<string, 'succeeded' | 'failed' | 'skipped'>();
  const results: Record<string, unknown> = Object.create(null);
  const scope = { inputs: toCel(inputs), steps: results };
  const finished: string[] = [];
  let failure: unknown;
  const waiting = new Map([...workflow.steps.values()].map((step) => [step.id, step.needs.length]));

  await new Promise<void>((resolve) => {
    let active = 0;
    const launch = (id: string) => {
      active++;
      runOne(id).then(() => {
        active--;
        for (const next of plan.dependents.get(id) ?? []) {
          const left = (waiting.get(next) ?? 0) - 1;
          waiting.set(next, left);
          if (left === 0 && failure === undefined && !ctx.signal.aborted) launch(next);
        }
        if (active === 0) resolve();
      });
    };
    const runOne = async (id: string) => {
      const step = workflow.steps.get(id);
      if (!step) return;
      const state = (s: 'started' | 'succeeded' | 'failed' | 'skipped') =>
        ctx.emit({ type: 'step', runId: ctx.runId, step: id, state: s });
      try {
        const blocked = step.needs.some((need) => steps.get(need) !== 'succeeded');
        if (blocked || (step.when && evaluate(step, 'when', () => step.when?.evaluate(scope)) !== true)) {
          steps.set(id, 'skipped');
          results[id] = { status: 'skipped', result: null };
          return state('skipped');
        }
        state('started');
        const result = await runStep(ctx, step, scope);
        steps.set(id, 'succeeded');
        results[id] = { status: 'succeeded', result: toCel(result) };
        finished.push(id);
        state('succeeded');
      } catch (error) {
        steps.set(id, 'failed');
        failure ??= error;
        state('failed');
      }
    };
    const roots = plan.levels[0] ?? [];
    if (roots.length === 0) resolve();
    for (const id of roots) launch(id);
  });
  return conclude(ctx, workflow, { steps, finished, failure, scope });
}

async function conclude(
  ctx: RunContext,
  workflow: Workflow,
  run: {
    steps: Map<string, 'succeeded' | 'failed' | 'skipped'>;
    finished: string[];
    failure: unknown;
    scope: Record<string, unknown>;
  },
): Promise<RunResult> {
  const base = { runId: ctx.runId, steps: run.steps };
  if (ctx.signal.aborted || isAbortError(run.failure)) {
    throw new HubError('CANCELLED', `workflow run ${ctx.runId} was interrupted; it can be resumed`);
  }
  if (run.failure instanceof InFlightError) {
    ctx.journal.finish({ status: 'needs-decision', error: run.failure.message });
    return { ...base, status: 'needs-decision', error: run.failure.message, compensated: [] };
  }
  let failure = run.failure;
  let outputs: Record<string, unknown> | undefined;
  if (failure === undefined) {
    try {
      outputs = workflow.outputs.render(run.scope) as Record<string, unknown>;
    } catch (error) {
      failure = new HubError('INVALID_REQUEST', `outputs: ${(error as Error).message}`);
    }
  }
  if (failure === undefined) {
    ctx.journal.finish({ status: 'succeeded', outputs });
    return { ...base, status: 'succeeded', outputs, compensated: [] };
  }
  const error = failure instanceof Error ? failure.message : String(failure);
  const compensated = await compensate(ctx, workflow, run.finished, run.scope);
  ctx.journal.finish({ status: 'failed', error });
  return { ...base, status: 'failed', error, compensated };
}

/**
 * Runs the `compensate` call of each finished step, last finished first, one at a time (a saga rollback).
 * A failing compensation is reported and the others still run.
 */
async function compensate(
  ctx: RunContext,
  workflow: Workflow,
  finished: string[],
  scope: Record<string, unknown>,
) {
  const done: string[] = [];
  for (const id of [...finished].reverse()) {
    const step = workflow.steps.get(id);
    if (!step?.compensate) continue;
    const local = {
      ...scope,
      result: (scope.steps as Record<string, { result: unknown }>)[id]?.result ?? null,
    };
    try {
      await journaledCall(ctx, step, step.compensate, local, `${id}:compensate`, false);
      done.push(id);
    } catch {
      // Reported through the call's 'failed' event; the next compensation must still run.
    }
  }
  return done;
}

export type { RunJournal };
