/**
 * Aborting an unfinished run (`toolmesh runs abort`): it ends `failed`, and the steps that succeeded are
 * compensated as after any failure. Done by replaying the run from its journal with a call path that
 * refuses every call not journaled yet except compensations: journaled results replay as they are, the
 * first new call fails, and the executor's own saga rollback runs. No second implementation of
 * compensation order or journaling.
 */

import { ConfigError } from '../config/config-error.ts';
import { HubError } from '../errors.ts';
import type { CallFn } from '../pipeline/call.ts';
import type { EventSink } from './events.ts';
import { type RunResult, WorkflowExecutor } from './executor.ts';
import { parseWorkflow } from './load.ts';
import type { SqliteRuntime } from './sqlite-runtime.ts';
import { IDEMPOTENCY_KEY } from './tool-call.ts';
import type { ToolCatalog } from './validate.ts';

export const ABORTED = 'aborted by toolmesh runs abort';

export interface AbortOptions {
  readonly call: CallFn;
  readonly tools: () => ToolCatalog;
  readonly runtime: SqliteRuntime;
  readonly onEvent?: EventSink;
}

/** How an abort went: compensated through the workflow, or only marked failed. */
export type AbortOutcome =
  | { readonly compensated: true; readonly result: RunResult }
  | { readonly compensated: false; readonly reason: string };

/**
 * Ends run `runId` (`running` or `needs-decision`) as failed. When its workflow still validates against
 * the catalog, the steps that succeeded are compensated; otherwise the run is only marked failed.
 * @throws Error when the run is unknown or already ended.
 */
export async function abortRun(runId: string, options: AbortOptions): Promise<AbortOutcome> {
  const { runtime } = options;
  const history = runtime.runHistory(runId);
  if (!history) throw new Error(`no run ${runId} in the journal`);
  if (history.status !== 'running' && history.status !== 'needs-decision') {
    throw new Error(`run ${runId} already ended (${history.status}); there is nothing to abort`);
  }
  // The calls that were in flight are decided as failed: forget them, so their replay is refused too.
  runtime.reopen(runId);
  const refuseNew: CallFn = (request) => {
    const key = (request.params as { _meta?: Record<string, unknown> } | undefined)?._meta?.[IDEMPOTENCY_KEY];
    if (typeof key === 'string' && key.endsWith(':compensate')) return options.call(request);
    return Promise.reject(new HubError('CANCELLED', ABORTED));
  };
  const executor = new WorkflowExecutor({ ...options, call: refuseNew });
  try {
    const workflow = parseWorkflow(history.source, history.file);
    const result = await executor.run(workflow, history.inputs, { runId });
    return { compensated: true, result };
  } catch (error) {
    if (!(error instanceof ConfigError) && !HubError.is(error)) throw error;
    await runtime.abandon(runId, `${ABORTED} (not compensated: ${error.message})`);
    return { compensated: false, reason: error.message };
  }
}
