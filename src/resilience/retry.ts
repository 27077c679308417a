import type { Tool } from '@modelcontextprotocol/client';
import { ExponentialBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import type { ResilienceConfig } from '../config/resilience.ts';
import { HubError } from '../errors.ts';
import { wasNeverSent } from '../upstream/errors.ts';
import { isReplicaFailure } from './failures.ts';

/**
 * Whether a request may be sent twice. Lists, reads, prompts and completions change nothing. A
 * `tools/call` may, unless the config names the tool in `idempotentTools`, or the server's config says
 * `trustAnnotations: true` and the tool is marked `readOnlyHint` (a hint from the server, so off by
 * default). `name` is the server's own tool name.
 */
export function isSafeToReplay(
  method: string,
  name: unknown,
  resilience: ResilienceConfig,
  tools: readonly Tool[],
): boolean {
  if (method !== 'tools/call') return true;
  if (typeof name !== 'string') return false;
  if (resilience.idempotentTools.has(name)) return true;
  if (!resilience.trustAnnotations) return false;
  return tools.find((tool) => tool.name === name)?.annotations?.readOnlyHint === true;
}

/**
 * Whether another attempt may help, and is allowed: the failure is the replica's (or its circuit was
 * open, or it never got the request: both `wasNeverSent`), and either the request is safe to repeat or it never reached a
 * server. A non-idempotent `tools/call` that reached a server is never sent again: its outcome is unknown.
 */
export function shouldRetry(error: unknown, replayable: boolean): boolean {
  // A server that is failed or disabled will not have come back a moment later (`retryable: false`).
  if (wasNeverSent(error)) return HubError.is(error) && error.retryable;
  return replayable && isReplicaFailure(error);
}

/**
 * The two retry policies of a server (cockatiel): for requests safe to repeat, and for those that may
 * only be sent again when they never reached a server. Exponential backoff with decorrelated jitter.
 */
export function retryPolicies(config: ResilienceConfig['retry']): {
  replayable: RetryPolicy;
  once: RetryPolicy;
} {
  const make = (replayable: boolean) =>
    retry(
      handleWhen((error) => shouldRetry(error, replayable)),
      {
        maxAttempts: config.attempts,
        backoff: new ExponentialBackoff({ initialDelay: config.initialDelayMs, maxDelay: config.maxDelayMs }),
      },
    );
  return { replayable: make(true), once: make(false) };
}
