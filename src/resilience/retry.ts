import type { Tool } from '@modelcontextprotocol/client';
import { ExponentialBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import type { ResilienceConfig } from '../config/resilience.ts';
import { HubError } from '../errors.ts';
import { wasNeverSent } from '../upstream/errors.ts';
import { isReplicaFailure } from './failures.ts';
import type { RetryBudget } from './retry-budget.ts';

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
 * Whether another attempt may help, and is allowed: the failure is the replica's, and the request is safe
 * to repeat; or the request never reached a server (its replica was restarting, its circuit open, nothing
 * listening: `wasNeverSent`) and there is another replica to send it to (`elsewhere`). A non-idempotent
 * `tools/call` that reached a server is never sent again: its outcome is unknown. (A lone replica that is
 * restarting is already waited for by its upstream, so trying it again would only add delay.)
 */
export function shouldRetry(error: unknown, replayable: boolean, elsewhere: boolean): boolean {
  // A server that is failed or disabled will not have come back a moment later (`retryable: false`).
  if (wasNeverSent(error)) return elsewhere && HubError.is(error) && error.retryable;
  return replayable && isReplicaFailure(error);
}

/**
 * The two retry policies of a server (cockatiel): for requests safe to repeat, and for those that may
 * only be sent again when they never reached a server. Exponential backoff with decorrelated jitter;
 * every retry is taken from the server's `budget`. `elsewhere`: the server has more than one replica.
 */
export function retryPolicies(
  config: ResilienceConfig['retry'],
  elsewhere: boolean,
  budget: RetryBudget,
): { replayable: RetryPolicy; once: RetryPolicy } {
  const make = (replayable: boolean) =>
    retry(
      handleWhen((error) => shouldRetry(error, replayable, elsewhere) && budget.tryRetry()),
      {
        maxAttempts: config.attempts,
        backoff: new ExponentialBackoff({ initialDelay: config.initialDelayMs, maxDelay: config.maxDelayMs }),
      },
    );
  return { replayable: make(true), once: make(false) };
}
