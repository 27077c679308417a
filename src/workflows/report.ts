/**
 * A run's report, computed from its journal alone (`RunHistory`) and the workflow it ran: when each step
 * ran, on which server, with how many attempts, whether it fell back or was compensated, and three
 * numbers that say where the time went. Pure functions: the same history gives the same report, in the
 * CLI (`toolmesh runs show`), at the end of `toolmesh run`, and in the admin API.
 *
 * - critical path: the chain of dependent steps whose measured durations add up to the most; no schedule
 *   could finish sooner than this, whatever the parallelism;
 * - parallel efficiency: the sum of step durations over (wall time × the most steps seen running at once):
 *   1 when every lane was busy all the time;
 * - coordination overhead: wall time not spent on the critical path or in compensation: the hub's own
 *   time (journal commits, scheduling, capacity waits) plus waiting that no dependency explains.
 */

import type { Workflow } from './model.ts';
import { planSteps } from './plan.ts';
import type { KeyTiming, RunHistory } from './run-history.ts';
import type { ToolCatalog } from './validate.ts';

/** How a step ended, as far as the journal tells. Skipped steps leave no journal entry: `not-run`. */
export type StepOutcome = 'succeeded' | 'failed' | 'in-flight' | 'not-run';

/** A span of time, in milliseconds from the start of the run. */
export interface Span {
  readonly startMs: number;
  /** Absent while a call of the span is still in flight. */
  readonly endMs?: number;
}

export interface StepReport {
  readonly id: string;
  readonly tool: string;
  /** The server the tool belongs to: from the catalog, else the prefix of the tool name (`data__fetch`). */
  readonly server?: string;
  readonly outcome: StepOutcome;
  /** From the first call's start to the last call's end, compensation excluded. */
  readonly span?: Span;
  readonly durationMs?: number;
  /** Journaled calls: 1, one per `forEach` item or `until` iteration, plus the fallback. */
  readonly calls: number;
  /** Attempts of every call, retries included (journals from before attempts were counted: the calls). */
  readonly attempts: number;
  readonly retries: number;
  /** Calls started again after an interruption (idempotent calls re-run on resume). */
  readonly restarts: number;
  /** The fallback's outcome, when it was called. */
  readonly fallback?: StepOutcome;
  readonly compensation?: Span & { readonly outcome: 'succeeded' | 'failed' | 'in-flight' };
  /** The last failure's message. */
  readonly error?: string;
}

export interface RunReport {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunHistory['status'];
  readonly error?: string;
  readonly createdAt: number;
  readonly endedAt?: number;
  /** From the run's creation to its end (or its last journaled event while unfinished). */
  readonly wallMs: number;
  /** Steps that ran, by start; then those that did not, in file order. */
  readonly steps: readonly StepReport[];
  readonly criticalPath: { readonly steps: readonly string[]; readonly ms: number };
  readonly maxParallelism: number;
  /** Undefined when no time was measured. */
  readonly parallelEfficiency?: number;
  readonly coordinationOverheadMs: number;
  readonly retries: number;
  /** Steps whose compensation ran, in the order it ran. */
  readonly compensations: readonly { readonly step: string; readonly outcome: string }[];
}

/** The report of `history`, a run of `workflow` (parsed from `history.source`); `tools` names servers. */
export function buildReport(history: RunHistory, workflow: Workflow, tools?: ToolCatalog): RunReport {
  const byStep = groupKeys(history.keys);
  const steps = [...workflow.steps.values()].map((step) =>
    stepReport(step.id, step.tool, byStep.get(step.id) ?? [], history.createdAt, tools),
  );
  const lastEvent = Math.max(history.createdAt, ...history.keys.map((k) => k.endedAt ?? k.startedAt));
  const wallMs = (history.endedAt ?? lastEvent) - history.createdAt;
  const criticalPath = longestMeasuredChain(workflow, new Map(steps.map((s) => [s.id, s.durationMs ?? 0])));
  const maxParallelism = peakOverlap(steps.flatMap((s) => (s.span ? [s.span] : [])));
  const busyMs = steps.reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
  const lanes = wallMs * maxParallelism;
  const compensated = steps
    .filter((s) => s.compensation)
    .sort((a, b) => (a.compensation?.startMs ?? 0) - (b.compensation?.startMs ?? 0));
  const compensationMs = compensated.reduce((sum, s) => sum + spanLength(s.compensation), 0);
  return {
    runId: history.id,
    workflow: history.workflow,
    status: history.status,
    error: history.error,
    createdAt: history.createdAt,
    endedAt: history.endedAt,
    wallMs,
    steps: orderByStart(steps),
    criticalPath,
    maxParallelism,
    parallelEfficiency: lanes > 0 ? busyMs / lanes : undefined,
    coordinationOverheadMs: Math.max(0, wallMs - criticalPath.ms - compensationMs),
    retries: steps.reduce((sum, s) => sum + s.retries, 0),
    compensations: compensated.map((s) => ({ step: s.id, outcome: s.compensation?.outcome ?? '' })),
  };
}

/** `fetch[2]#1:fallback` → step `fetch`, kind `fallback`. */
export function parseKey(key: string): { step: string; kind: 'call' | 'fallback' | 'compensate' } {
  const step = /^[A-Za-z_][A-Za-z0-9_]*/.exec(key)?.[0] ?? key;
  const kind = key.endsWith(':compensate') ? 'compensate' : key.endsWith(':fallback') ? 'fallback' : 'call';
  return { step, kind };
}

function groupKeys(keys: readonly KeyTiming[]): Map<string, KeyTiming[]> {
  const groups = new Map<string, KeyTiming[]>();
  for (const key of keys) {
    const { step } = parseKey(key.key);
    groups.set(step, [...(groups.get(step) ?? []), key]);
  }
  return groups;
}

function stepReport(
  id: string,
  tool: string,
  keys: readonly KeyTiming[],
  origin: number,
  tools: ToolCatalog | undefined,
): StepReport {
  const server =
    tools?.get(tool)?.server ?? (tool.includes('__') ? tool.slice(0, tool.indexOf('__')) : undefined);
  const work = keys.filter((k) => parseKey(k.key).kind !== 'compensate');
  const fallbacks = work.filter((k) => parseKey(k.key).kind === 'fallback');
  const compensate = keys.find((k) => parseKey(k.key).kind === 'compensate');
  const attempts = work.reduce((sum, k) => sum + (k.attempts ?? 1), 0);
  const span = spanOf(work, origin);
  const failed = [...work].reverse().find((k) => k.status === 'failed');
  const compensation = compensate && {
    startMs: compensate.startedAt - origin,
    endMs: compensate.endedAt === undefined ? undefined : compensate.endedAt - origin,
    outcome: keyOutcome(compensate),
  };
  return {
    id,
    tool,
    server,
    outcome: outcomeOf(work),
    span,
    durationMs: span?.endMs === undefined ? undefined : span.endMs - span.startMs,
    calls: work.length,
    attempts,
    retries: attempts - work.length,
    restarts: keys.reduce((sum, k) => sum + k.starts - 1, 0),
    fallback: fallbacks.length > 0 ? outcomeOf(fallbacks) : undefined,
    compensation,
    error:
      failed?.error?.message ?? (compensate?.status === 'failed' ? compensate.error?.message : undefined),
  };
}

/**
 * Failed when a call failed and its fallback (if any) did not save it; in flight when a call has no end.
 * An `until` step that ran out of iterations fails without a failed call: the journal cannot tell, and
 * the run's error says it.
 */
function outcomeOf(keys: readonly KeyTiming[]): StepOutcome {
  if (keys.length === 0) return 'not-run';
  if (keys.some((k) => k.status === 'started')) return 'in-flight';
  const saved = (k: KeyTiming) => keys.some((f) => f.key === `${k.key}:fallback` && f.status === 'succeeded');
  return keys.some((k) => k.status === 'failed' && !saved(k)) ? 'failed' : 'succeeded';
}

function keyOutcome(key: KeyTiming): 'succeeded' | 'failed' | 'in-flight' {
  return key.status === 'started' ? 'in-flight' : key.status;
}

function spanOf(keys: readonly KeyTiming[], origin: number): Span | undefined {
  if (keys.length === 0) return undefined;
  const startMs = Math.min(...keys.map((k) => k.startedAt)) - origin;
  const open = keys.some((k) => k.endedAt === undefined);
  return open ? { startMs } : { startMs, endMs: Math.max(...keys.map((k) => k.endedAt ?? 0)) - origin };
}

function spanLength(span: Span | undefined): number {
  return span?.endMs === undefined ? 0 : span.endMs - span.startMs;
}

/** The dependency chain with the largest sum of `durations` (a longest path over the planner's order). */
export function longestMeasuredChain(
  workflow: Pick<Workflow, 'steps'>,
  durations: ReadonlyMap<string, number>,
): { steps: string[]; ms: number } {
  const best = new Map<string, { ms: number; via?: string }>();
  for (const id of planSteps(workflow.steps).levels.flat()) {
    let from: { ms: number; via?: string } = { ms: 0 };
    for (const need of workflow.steps.get(id)?.needs ?? []) {
      const upstream = best.get(need)?.ms ?? 0;
      if (upstream > from.ms || from.via === undefined) from = { ms: upstream, via: need };
    }
    best.set(id, { ms: from.ms + (durations.get(id) ?? 0), via: from.via });
  }
  let end: string | undefined;
  for (const [id, entry] of best) if (end === undefined || entry.ms > (best.get(end)?.ms ?? 0)) end = id;
  const steps: string[] = [];
  for (let id = end; id !== undefined; id = best.get(id)?.via) steps.push(id);
  return { steps: steps.reverse(), ms: end === undefined ? 0 : (best.get(end)?.ms ?? 0) };
}

/** The most spans open at one instant; a span ending when another starts does not overlap it. */
export function peakOverlap(spans: readonly Span[]): number {
  const edges = spans.flatMap((s) => [
    { at: s.startMs, delta: 1 },
    { at: s.endMs ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const edge of edges) {
    open += edge.delta;
    peak = Math.max(peak, open);
  }
  return peak;
}

function orderByStart(steps: StepReport[]): StepReport[] {
  const ran = steps.filter((s) => s.span).sort((a, b) => (a.span?.startMs ?? 0) - (b.span?.startMs ?? 0));
  return [...ran, ...steps.filter((s) => !s.span)];
}
