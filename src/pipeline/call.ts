import type {
  ClientCapabilities,
  LoggingLevel,
  LoggingMessageNotificationParams,
  ProgressCallback,
  Result,
} from '@modelcontextprotocol/client';

/** The request methods the hub routes to one owning upstream. */
export type RoutedMethod = 'tools/call' | 'prompts/get' | 'resources/read' | 'completion/complete';

/** A request an upstream sends back to the client while serving a call: sampling, elicitation, roots. */
export interface InputRequest {
  readonly method: 'sampling/createMessage' | 'elicitation/create' | 'roots/list';
  readonly params?: Record<string, unknown>;
}

/**
 * Requests for input one call may have open with its client at once. A server asking for more is refused
 * the rest (the security note's bad input 51: it would flood the user with dialogs); sampling in parallel
 * within this bound still works.
 */
export const MAX_OPEN_INPUT_REQUESTS = 32;

/** Why a request for input over {@link MAX_OPEN_INPUT_REQUESTS} is refused. */
export const TOO_MANY_INPUT_REQUESTS = `the call already has ${MAX_OPEN_INPUT_REQUESTS} requests for input open with its client; the hub refuses more at once`;

/**
 * The downstream client a call came from, as far as an upstream needs it: what the client can do, and how
 * to reach it with what the upstream sends back while serving the call.
 */
export interface CallOrigin {
  /** The capabilities the client declared (sent on to 2026-era upstreams with each request). */
  readonly capabilities: ClientCapabilities;
  /** The log level the client asked for with this request (2026 era), if any. */
  readonly logLevel?: LoggingLevel;
  /** Asks the client for input on behalf of this call; resolves with the client's answer. */
  ask(request: InputRequest, signal: AbortSignal): Promise<Result>;
  /** Delivers a log message the upstream sent while serving this call. */
  log(params: LoggingMessageNotificationParams): void;
}

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
  /** The client the call came from; without one, the upstream's requests for input are refused. */
  readonly origin?: CallOrigin;
  /** Who is calling (a session id or client identity): the affinity key and the per-client rate limit key. */
  readonly client?: string;
}

/** Sends a call and resolves with the upstream's result as it is. Rejects with a `HubError`. */
export type CallFn = (call: HubCall) => Promise<Result>;

/** Wraps the call path: rate limits, caching, audit, tracing, resilience are interceptors. */
export type Interceptor = (next: CallFn) => CallFn;

/** Wraps `core` in `interceptors`, the first being the outermost. */
export function compose(interceptors: readonly Interceptor[], core: CallFn): CallFn {
  return interceptors.reduceRight<CallFn>((next, interceptor) => interceptor(next), core);
}
