/**
 * Runs one step's body: once, once per `forEach` item, or repeatedly `until` its condition holds; each
 * call with its retries, then its fallback tool if it still failed.
 */
import { HubError, isAbortError } from '../errors.ts';
import { mapLimit } from './capacity.ts';
import { InFlightError } from './durable.ts';
import { toCel } from './expr.ts';
import type { Step } from './model.ts';
import { journaledCall, pause, type RunContext } from './tool-call.ts';

/**
 * The step's result: the call's value, a list of them (`forEach`, in item order), or the last one
 * (`until`). `scope` holds CEL values (`inputs`, `steps`).
 * @throws HubError when the step failed after retries and fallback; InFlightError when a decision is needed.
 */
export async function runStep(ctx: RunContext, step: Step, scope: Record<string, unknown>): Promise<unknown> {
  if (!step.forEach) return runRepeated(ctx, step, scope, step.id);
  const items = evaluate(step, 'forEach.items', () => step.forEach?.items.evaluate(scope));
  if (!Array.isArray(items)) {
    throw new HubError('INVALID_REQUEST', `step ${step.id}: forEach.items is not a list`);
  }
  return mapLimit(items, step.forEach.concurrency, (item, index) =>
    runRepeated(ctx, step, { ...scope, item: toCel(item), index: BigInt(index) }, `${step.id}[${index}]`),
  );
}

async function runRepeated(ctx: RunContext, step: Step, scope: Record<string, unknown>, key: string) {
  const { until } = step;
  if (!until) return withFallback(ctx, step, scope, key);
  let ran = false;
  for (let iteration = 0; iteration < until.max; iteration++) {
    // A resumed run replays journaled iterations at once: their delays were waited out the first time.
    if (ran) await pause(until.delayMs, ctx.signal);
    ran = false;
    const local = { ...scope, iteration: BigInt(iteration) };
    const result = await withFallback(ctx, step, local, `${key}#${iteration}`, () => {
      ran = true;
    });
    const done = evaluate(step, 'until.condition', () =>
      until.condition.evaluate({ ...local, result: toCel(result) }),
    );
    if (done === true) return result;
  }
  throw new HubError(
    'UPSTREAM_TIMEOUT',
    `step ${step.id}: until.condition still false after ${until.max} calls`,
  );
}

async function withFallback(
  ctx: RunContext,
  step: Step,
  scope: Record<string, unknown>,
  key: string,
  onRun?: () => void,
) {
  try {
    return await journaledCall(ctx, step, { tool: step.tool, args: step.args }, scope, key, {
      retry: true,
      onRun,
    });
  } catch (error) {
    if (!step.fallback || error instanceof InFlightError || ctx.signal.aborted || isAbortError(error))
      throw error;
    return journaledCall(ctx, step, step.fallback, scope, `${key}:fallback`, { retry: false, onRun });
  }
}

/** Evaluates an expression of `step`, naming the field when it fails. */
export function evaluate(step: Step, field: string, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (error) {
    throw new HubError('INVALID_REQUEST', `step ${step.id}.${field}: ${(error as Error).message}`);
  }
}
