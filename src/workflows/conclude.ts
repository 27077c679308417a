/**
 * The end of a run: its outputs when every step went well; otherwise a saga rollback, the `compensate`
 * call of each finished step, last finished first, one at a time. The outcome is journaled, except when
 * the run was interrupted: then it stays unfinished, to be resumed.
 */
import { HubError, isAbortError } from '../errors.ts';
import { InFlightError } from './durable.ts';
import type { RunResult } from './executor.ts';
import type { Workflow } from './model.ts';
import type { Final } from './run-dag.ts';
import { journaledCall, type RunContext } from './tool-call.ts';

/** What the DAG run left behind. `finished` is in order of completion. */
export interface RunState {
  readonly steps: Map<string, Final>;
  readonly finished: readonly string[];
  readonly failure: unknown;
  readonly decision: InFlightError | undefined;
  readonly scope: Record<string, unknown>;
}

/** Journals and returns the outcome. @throws HubError `CANCELLED` when the run was interrupted. */
export async function conclude(ctx: RunContext, workflow: Workflow, run: RunState): Promise<RunResult> {
  const base = { runId: ctx.runId, steps: run.steps };
  const interrupted = () =>
    new HubError('CANCELLED', `workflow run ${ctx.runId} was interrupted; it can be resumed`);
  if (ctx.signal.aborted || isAbortError(run.failure)) throw interrupted();
  if (run.decision) return decide(ctx, { ...base, compensated: [] }, run.decision.message);
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
    await ctx.journal.finish({ status: 'succeeded', outputs });
    return { ...base, status: 'succeeded', outputs, compensated: [] };
  }
  const rollback = await compensate(ctx, workflow, run.finished, run.scope);
  if (ctx.signal.aborted) throw interrupted();
  let error = failure instanceof Error ? failure.message : String(failure);
  if (rollback.failed.length > 0) error += `; compensation failed: ${rollback.failed.join('; ')}`;
  if (rollback.decision)
    return decide(ctx, { ...base, compensated: rollback.done }, `${error}; ${rollback.decision.message}`);
  await ctx.journal.finish({ status: 'failed', error });
  return { ...base, status: 'failed', error, compensated: rollback.done };
}

async function decide(ctx: RunContext, base: Omit<RunResult, 'status'>, error: string): Promise<RunResult> {
  await ctx.journal.finish({ status: 'needs-decision', error });
  return { ...base, status: 'needs-decision', error };
}

/** A failing compensation is recorded and the others still run; one needing a decision stops the rollback. */
async function compensate(
  ctx: RunContext,
  workflow: Workflow,
  finished: readonly string[],
  scope: Record<string, unknown>,
) {
  const done: string[] = [];
  const failed: string[] = [];
  const results = scope.steps as Record<string, { result: unknown }>;
  for (const id of [...finished].reverse()) {
    const step = workflow.steps.get(id);
    if (!step?.compensate) continue;
    try {
      await journaledCall(
        ctx,
        step,
        step.compensate,
        { ...scope, result: results[id]?.result ?? null },
        `${id}:compensate`,
        { retry: false },
      );
      done.push(id);
    } catch (error) {
      if (error instanceof InFlightError) return { done, failed, decision: error };
      failed.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { done, failed, decision: undefined };
}
