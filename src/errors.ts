/**
 * The hub's one closed set of error codes and its error type.
 *
 * `HubError` is the local form; `server/wire-errors.ts` is the one place that turns it into a JSON-RPC error.
 * Codes are the contract (clients branch on `data.code`); messages are for humans and never carry secrets.
 */

export type ErrorCode =
  // the caller's fault
  | 'INVALID_REQUEST'
  | 'UNKNOWN_TOOL'
  | 'UNKNOWN_PROMPT'
  | 'UNKNOWN_RESOURCE'
  // a tool whose definition changed since it was approved, withheld by pinning until approved again
  | 'TOOL_CHANGED'
  // an upstream's fault: never reported as the caller's
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_ERROR'
  // the hub protecting an upstream (or itself): the server is named, `retryable` says whether to wait
  | 'CIRCUIT_OPEN'
  | 'NO_HEALTHY_REPLICA'
  | 'OVERLOADED'
  | 'RATE_LIMITED'
  // the hub's own
  | 'CANCELLED'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

export interface HubErrorOptions {
  cause?: unknown;
  /** Name of the upstream server involved, if any. */
  server?: string;
  /** Whether sending the same request again may succeed. Decided where the error is made. */
  retryable?: boolean;
  /** Extra fields for `data` on the wire (never secrets). */
  data?: Record<string, unknown>;
}

const BRAND = Symbol.for('toolmesh.error');

export class HubError extends Error {
  override name = 'HubError';
  readonly code: ErrorCode;
  readonly server: string | undefined;
  readonly retryable: boolean;
  readonly data: Record<string, unknown>;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: HubErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.server = options.server;
    this.retryable = options.retryable ?? false;
    this.data = options.data ?? {};
  }

  /** Brand check instead of `instanceof`, so copies of this module loaded twice still agree. */
  static is(value: unknown): value is HubError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: boolean })[BRAND] === true;
  }
}

/** True when `reason` is the rejection of an aborted `AbortSignal` (or an SDK/DOM abort error). */
export function isAbortError(reason: unknown): boolean {
  return (
    reason instanceof Error &&
    (reason.name === 'AbortError' || (reason as { code?: unknown }).code === 'ABORT_ERR')
  );
}

/** Short, single-line description of anything thrown, safe to show to users. */
export function describeError(reason: unknown): string {
  if (reason instanceof Error) return reason.message.split('\n')[0] ?? reason.name;
  return String(reason);
}
