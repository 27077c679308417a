/**
 * One run of a workflow's DAG: each step starts as soon as every step it needs has succeeded (and its
 * `when` holds), not level by level. After the first failure no new step starts; steps in flight finish.
 * Then `conclude` journals the outcome, compensating the finished steps, last finished first, on failure.
 */
import { HubError, isAbortError } from '../errors.ts';
import { InFlightError } from './durable.ts';
import type { RunResult } from './executor.ts';
import { toCel } from './expr.ts';
import type { Workflow } from './model.ts';
import type { Plan } from './plan.ts';
import { evaluate, runStep } from './step-runner.ts';
import { journaledCall, type RunContext } from './tool-call.ts';

type Final = 'succeeded' | 'failed' | 'skipped';

/** Runs `workflow` by `plan` in `ctx`. @throws HubError `CANCELLED` when `ctx.signal` aborted (run left resumable). */
export async function executeRun(
  ctx: RunContext,
  workflow: Workflow,
  plan: Plan,
  inputs: Record<string, unknown>,
): Promise<RunResult> {
  const steps = new Map<string, Final>();
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
      const state = (s: 'started' | Final) =>
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
    steps: Map<string, Final>;
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
