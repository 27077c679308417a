/**
 * The routing and resilience options of one server entry (`routing`, `breaker`, `health`, `retry`,
 * `limits`, `idempotentTools`, `fallbacks`, `toolTimeouts`, `trustAnnotations`): their zod schemas, the model they become,
 * and the defaults. Kept apart from `schema.ts` so the server entry only spreads `resilienceFields` in.
 */
import { z } from 'zod';

/**
 * The routing strategies a config may name. `routing/strategy.ts` takes this list as `STRATEGY_NAMES`
 * (config must not import routing: imports point one way).
 */
export const ROUTING_STRATEGIES = [
  'round-robin',
  'least-pending',
  'latency',
  'weighted',
  'failover',
  'affinity',
  'adaptive',
] as const;

export type RoutingStrategyName = (typeof ROUTING_STRATEGIES)[number];

// Node's timers overflow (and fire after 1 ms) above 2^31-1 ms.
const ms = z.int().min(1).max(2_147_483_647);
const count = z.int().min(1).max(1_000_000);

/** The zod fields a server entry gets for routing and resilience. */
export const resilienceFields = {
  routing: z
    .strictObject({
      strategy: z
        .enum(ROUTING_STRATEGIES)
        .optional()
        .describe('How a call picks a replica (default round-robin).'),
      affinityKey: z
        .string()
        .min(1)
        .optional()
        .describe('affinity: a tool argument whose value picks the replica (default: the client session).'),
    })
    .optional()
    .describe('How calls are spread over the replicas.'),
  breaker: z
    .strictObject({
      failures: count.optional().describe("Consecutive failures that open a replica's circuit (default 5)."),
      halfOpenAfterMs: ms
        .optional()
        .describe('Time an open circuit waits before trial calls (default 30000).'),
      halfOpenCalls: count.optional().describe('Calls let through while half-open (default 3).'),
      successes: count.optional().describe('Successes while half-open that close the circuit (default 2).'),
    })
    .optional()
    .describe('Circuit breaker, one per replica.'),
  health: z
    .strictObject({
      intervalMs: ms.optional().describe('Active MCP ping of every replica at this interval (default: off).'),
      timeoutMs: ms.optional().describe('A ping slower than this counts as failed (default 5000).'),
      ejectAfter: count
        .optional()
        .describe('Consecutive failures (calls or pings) that eject a replica (default 5).'),
      ejectMs: ms.optional().describe('How long an ejected replica stays out (default 30000).'),
    })
    .optional()
    .describe('Active health checks and passive outlier detection.'),
  retry: z
    .strictObject({
      attempts: z
        .int()
        .min(0)
        .max(10)
        .optional()
        .describe('Retries after the first try, where safe (default 2).'),
      initialDelayMs: ms
        .optional()
        .describe('First backoff delay; doubled each time, with jitter (default 50).'),
      maxDelayMs: ms.optional().describe('Largest backoff delay (default 2000).'),
      budgetPercent: z
        .number()
        .min(0)
        .max(1000)
        .optional()
        .describe('Retries may add this % to the requests of the last 10 s (default 20).'),
      minPerSecond: z
        .number()
        .min(0)
        .max(1_000_000)
        .optional()
        .describe('Retries always allowed per second (default 10).'),
    })
    .optional()
    .describe('Retries of requests that are safe to send again, preferably on another replica.'),
  limits: z
    .strictObject({
      maxConcurrent: count.optional().describe('Calls in flight to this server at once (default: no limit).'),
      maxQueue: z
        .int()
        .min(0)
        .max(1_000_000)
        .optional()
        .describe('Calls waiting beyond maxConcurrent (default 0).'),
      perMinute: count.optional().describe('Calls per minute to this server, all clients together.'),
      perClientPerMinute: count.optional().describe('Calls per minute to this server from one client.'),
    })
    .optional()
    .describe('Bulkhead and rate limits of this server.'),
  idempotentTools: z
    .array(z.string().min(1))
    .optional()
    .describe("Tools (the server's own names) that are safe to call twice, so failed calls are retried."),
  fallbacks: z
    .record(z.string().min(1), z.string().min(1))
    .optional()
    .describe('tool → served name of another tool called when it fails, e.g. search: backup__search.'),
  toolTimeouts: z
    .record(z.string().min(1), ms)
    .optional()
    .describe(
      "tool (the server's own name) → ms allowed for one call of it, instead of timeouts.callMs; progress extends it up to 10 times (or timeouts.maxTotalMs).",
    ),
  trustAnnotations: z
    .boolean()
    .optional()
    .describe('true: tools this server marks readOnlyHint are retried like idempotent ones (default false).'),
};

/** Routing and resilience of one logical server, with every default filled in. */
export interface ResilienceConfig {
  routing: { strategy: RoutingStrategyName; affinityKey?: string };
  breaker: { failures: number; halfOpenAfterMs: number; halfOpenCalls: number; successes: number };
  /** `intervalMs` 0: no active checks. */
  health: { intervalMs: number; timeoutMs: number; ejectAfter: number; ejectMs: number };
  /** `budgetPercent` and `minPerSecond`: the retry budget shared by all calls to the server. */
  retry: {
    attempts: number;
    initialDelayMs: number;
    maxDelayMs: number;
    budgetPercent: number;
    minPerSecond: number;
  };
  limits: { maxConcurrent?: number; maxQueue: number; perMinute?: number; perClientPerMinute?: number };
  /** The server's own tool names that may be sent twice. */
  idempotentTools: ReadonlySet<string>;
  /** The server's own tool name → the served name of the tool that answers when it fails. */
  fallbacks: ReadonlyMap<string, string>;
  /** The server's own tool name → its per-call timeout in ms (instead of `timeouts.callMs`). */
  toolTimeouts: ReadonlyMap<string, number>;
  trustAnnotations: boolean;
}

type ResilienceEntry = {
  [K in keyof typeof resilienceFields]?: z.output<(typeof resilienceFields)[K]>;
};

/** The defaults of the issue: breaker 5 failures / 30 s / 3 calls / 2 successes; no active checks. */
export const DEFAULT_RESILIENCE: ResilienceConfig = resolveResilience({});

/** Fills in the defaults for what an entry wrote. */
export function resolveResilience(entry: ResilienceEntry): ResilienceConfig {
  return {
    routing: { strategy: 'round-robin', ...entry.routing },
    breaker: { failures: 5, halfOpenAfterMs: 30_000, halfOpenCalls: 3, successes: 2, ...entry.breaker },
    health: { intervalMs: 0, timeoutMs: 5_000, ejectAfter: 5, ejectMs: 30_000, ...entry.health },
    retry: {
      attempts: 2,
      initialDelayMs: 50,
      maxDelayMs: 2_000,
      budgetPercent: 20,
      minPerSecond: 10,
      ...entry.retry,
    },
    limits: { maxQueue: 0, ...entry.limits },
    idempotentTools: new Set(entry.idempotentTools),
    fallbacks: new Map(Object.entries(entry.fallbacks ?? {})),
    toolTimeouts: new Map(Object.entries(entry.toolTimeouts ?? {})),
    trustAnnotations: entry.trustAnnotations ?? false,
  };
}
