import type { ProgressCallback, Result } from '@modelcontextprotocol/client';

/** The request methods the hub routes to one owning upstream. */
export type RoutedMethod = 'tools/call' | 'prompts/get' | 'resources/read';

/**
 * One downstream request on its way to an upstream. Workflow steps and composite branches will build the
 * same object, so everything that wraps the call path applies to them too.
 */
export interface HubCall {
  readonly method: RoutedMethod;
  /** The params as the client sent them (`name` is the exposed name; `uri` as listed). */
  readonly params: Record<string, unknown>;
  /** Aborted when the downstream cancels or disconnects; passed down to the upstream send. */
  readonly signal: AbortSignal;
  /** Receives the upstream's progress notifications for this call. */
  readonly onprogress?: ProgressCallback;
}

/** Sends a call and resolves with the upstream's result as it is. Rejects with a `HubError`. */
export type CallFn = (call: HubCall) => Promise<Result>;

/** Wraps the call path: rate limits, caching, audit, tracing, resilience are interceptors. */
export type Interceptor = (next: CallFn) => CallFn;

/** Wraps `core` in `interceptors`, the first being the outermost. */
export function compose(interceptors: readonly Interceptor[], core: CallFn): CallFn {
  return interceptors.reduceRight<CallFn>((next, interceptor) => interceptor(next), core);
}
