/**
 * One run of a workflow's DAG: each step starts as soon as every step it needs has succeeded (and its
 * `when` holds), not level by level. After the first failure (or a step that needs a decision) no new step
 * starts; steps in flight finish. Then `conclude` decides the outcome.
 */
import { conclude } from './conclude.ts';
import { InFlightError } from './durable.ts';
import type { RunResult } from './executor.ts';
import { toCel } from './expr.ts';
import type { Workflow } from './model.ts';
import type { Plan } from './plan.ts';
import { evaluate, runStep } from './step-runner.ts';
import type { RunContext } from './tool-call.ts';

export type Final = 'succeeded' | 'failed' | 'skipped';

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
  let decision: InFlightError | undefined;
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
          if (left === 0 && !failure && !decision && !ctx.signal.aborted) launch(next);
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
        if (error instanceof InFlightError) decision ??= error;
        else failure ??= error;
        state('failed');
      }
    };
    const roots = plan.levels[0] ?? [];
    if (roots.length === 0) resolve();
    for (const id of roots) launch(id);
  });
  return conclude(ctx, workflow, { steps, finished, failure, decision, scope });
}
