/**
 * One journaled tool call of a step, through the hub's call path (`CallFn`): render the arguments, take
 * the server's capacity, apply the step's timeout and retries, and turn the MCP result into the value
 * expressions see as `result`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallToolResult, Result } from '@modelcontextprotocol/client';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { HubError } from '../errors.ts';
import type { CallFn, HubCall } from '../pipeline/call.ts';
import type { Capacity } from './capacity.ts';
import type { RunJournal } from './durable.ts';
import type { EventSink } from './events.ts';
import type { Step, ToolCall } from './model.ts';
import type { ToolCatalog } from './validate.ts';

/** What a step needs from the run it belongs to. */
export interface RunContext {
  readonly runId: string;
  readonly journal: RunJournal;
  readonly call: CallFn;
  readonly tools: ToolCatalog;
  readonly capacity: (server: string) => Capacity | undefined;
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  /**
   * The client whose call started the run, when one did: upstreams' requests for input (sampling,
   * elicitation) during a step go back to it, and per-client limits and affinity count its steps as its calls.
   */
  readonly caller?: Pick<HubCall, 'origin' | 'client'>;
}

/** The `_meta` field of each workflow tool call that names the call uniquely: `<runId>/<journal key>`. */
export const IDEMPOTENCY_KEY = 'toolmesh/idempotencyKey';

/** How `journaledCall` runs. */
export interface CallOptions {
  /** Apply the step's `retry` (the main tool) or not (fallback, compensation). */
  readonly retry: boolean;
  /** Called when the tool is really called, i.e. the journal had no result for the key. */
  readonly onRun?: () => void;
}

/**
 * Calls `call.tool` for `step` under journal key `key`, or returns the journaled outcome.
 * @throws HubError from the call path, `UPSTREAM_ERROR` for a tool result with `isError`, `UPSTREAM_TIMEOUT`
 *   when the step's `timeoutMs` ran out, `INVALID_REQUEST` when an argument expression fails.
 */
export async function journaledCall(
  ctx: RunContext,
  step: Step,
  call: ToolCall,
  scope: Record<string, unknown>,
  key: string,
  options: CallOptions,
): Promise<unknown> {
  const args = render(step, call, scope);
  const entry = ctx.tools.get(call.tool);
  const annotations = entry?.definition.annotations;
  const idempotent = step.idempotent ?? Boolean(annotations?.idempotentHint || annotations?.readOnlyHint);
  let attempts = 0;
  const once = (attempt: number) => {
    attempts = attempt;
    return callOnce(ctx, step, call.tool, entry?.server, args, key, attempt);
  };
  return ctx.journal.step(key, { idempotent, signal: ctx.signal, attempts: () => attempts }, () => {
    options.onRun?.();
    if (!options.retry || !step.retry) return once(1);
    const { attempts, delayMs, maxDelayMs } = step.retry;
    const policy = retry(
      handleWhen(() => !ctx.signal.aborted),
      {
        maxAttempts: attempts - 1,
        backoff: new ExponentialBackoff({ initialDelay: delayMs, maxDelay: maxDelayMs }),
      },
    );
    return policy.execute(({ attempt }) => once(attempt + 1), ctx.signal);
  });
}

function render(step: Step, call: ToolCall, scope: Record<string, unknown>): Record<string, unknown> {
  try {
    return call.args.render(scope) as Record<string, unknown>;
  } catch (error) {
    throw new HubError('INVALID_REQUEST', `step ${step.id}: ${(error as Error).message}`);
  }
}

async function callOnce(
  ctx: RunContext,
  step: Step,
  tool: string,
  server: string | undefined,
  args: Record<string, unknown>,
  key: string,
  attempt: number,
): Promise<unknown> {
  const release = server ? await ctx.capacity(server)?.acquire(step.slots, ctx.signal) : undefined;
  const report = (state: 'started' | 'succeeded' | 'failed') =>
    ctx.emit({ type: 'call', runId: ctx.runId, step: step.id, key, tool, attempt, state });
  report('started');
  const deadline = step.timeoutMs === undefined ? undefined : AbortSignal.timeout(step.timeoutMs);
  const signal = deadline ? AbortSignal.any([ctx.signal, deadline]) : ctx.signal;
  try {
    // The same key on every attempt and after a resume, so an upstream that honours it can drop repeats.
    const _meta = { [IDEMPOTENCY_KEY]: `${ctx.runId}/${key}` };
    const params = { name: tool, arguments: args, _meta };
    const result = await ctx.call({ method: 'tools/call', params, signal, ...ctx.caller });
    const value = resultValue(result, tool, server);
    report('succeeded');
    return value;
  } catch (error) {
    report('failed');
    if (deadline?.aborted && !ctx.signal.aborted) {
      throw new HubError('UPSTREAM_TIMEOUT', `${tool} did not answer within ${step.timeoutMs} ms`, {
        server,
        retryable: true,
        cause: error,
      });
    }
    throw error;
  } finally {
    release?.();
  }
}

/**
 * The value expressions see as `result`: `structuredContent` when the tool returned it, else the text of
 * its text blocks, parsed as JSON when it is JSON. A result with `isError` is a failure of the step.
 */
export function resultValue(result: Result, tool: string, server?: string): unknown {
  const { content = [], structuredContent, isError } = result as CallToolResult;
  const text = content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
  if (isError)
    throw new HubError('UPSTREAM_ERROR', `${tool} returned an error: ${text.slice(0, 500)}`, { server });
  if (structuredContent !== undefined) return structuredContent;
  // Most text is not JSON, and a failed parse builds an error with its stack: a composite over 5 servers
  // spent 3.5 % of its CPU there. Only text that can start a JSON value is tried.
  if (!MAY_BE_JSON.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The first character of a JSON text, after optional whitespace. */
const MAY_BE_JSON = /^\s*[[{"\-0-9tfn]/;

/** Waits `ms` unless the run is aborted (then rejects with the abort reason). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return ms > 0 ? sleep(ms, undefined, { signal }) : Promise.resolve();
}
