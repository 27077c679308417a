import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type ClientCapabilities,
  type Implementation,
  type JSONRPCMessage,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  type Result,
  SdkError,
  SdkErrorCode,
} from '@modelcontextprotocol/client';
import { MODERN_ERA } from './request-envelope.ts';

export interface DirectRequestOptions {
  signal?: AbortSignal;
  /** No answer within this long (restarted by each progress notification) fails the request. */
  timeout: number;
  /** Progress never extends the request beyond this. */
  maxTotalTimeout: number;
  onprogress(progress: Progress): void;
}

/** A progress notification's params, less the token. */
type Progress = { progress: number; total?: number; message?: string };

/** Whether `params` (without the token) are a progress notification's as MCP has them. */
function isProgress(params: Record<string, unknown>): params is Progress {
  const { progress, total, message } = params;
  return (
    typeof progress === 'number' &&
    (total === undefined || typeof total === 'number') &&
    (message === undefined || typeof message === 'string')
  );
}

/** How a direct request goes out on the connection it belongs to. */
export interface DirectLink {
  send(message: JSONRPCMessage): Promise<void>;
}

interface Pending {
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
  readonly options: DirectRequestOptions;
  readonly startedAt: number;
  timer: NodeJS.Timeout;
  readonly onAbort: () => void;
}

/**
 * Requests to a stdio server sent without the SDK client's request machinery; the SDK client keeps the
 * connection (handshake, lists, pings, the server's own requests and notifications). Why: per call the
 * SDK classifies every message the server sends with zod type guards and, in the 2026 era, validates each
 * result against its schema, about a sixth of the hub's CPU per call and as much of its allocations
 * (`npm run bench:alloc`); the hub passes results on as they are (`PASSTHROUGH`), so the validation is
 * thrown away.
 *
 * What the SDK does for such a request, this does the same way, so nothing above it can tell: a progress
 * token (the request id) with progress routed back and restarting the timeout up to `maxTotalTimeout`; on
 * timeout or abort, `notifications/cancelled` to the server and an `SdkError` (`RequestTimeout`); a JSON-RPC
 * error as `ProtocolError.fromError`; the connection closing as `SdkError` (`ConnectionClosed`). In the 2026
 * era each message carries the envelope (protocol version, client info, client capabilities; keys the
 * caller set win), and a result must carry `resultType`: `complete` is lifted off, `input_required` passes
 * on. Ids are negative so they never meet the SDK client's, which count up from 0.
 */
export class DirectRequests {
  readonly #link: DirectLink;
  /** The 2026 era's `_meta` envelope; undefined in the 2025 era. */
  readonly #envelope: Record<string, unknown> | undefined;
  readonly #pending = new Map<number, Pending>();
  #lastId = 0;

  constructor(
    link: DirectLink,
    protocolVersion: string | undefined,
    client: { info: Implementation; capabilities: ClientCapabilities },
  ) {
    this.#link = link;
    this.#envelope =
      protocolVersion === MODERN_ERA
        ? {
            [PROTOCOL_VERSION_META_KEY]: protocolVersion,
            [CLIENT_INFO_META_KEY]: client.info,
            [CLIENT_CAPABILITIES_META_KEY]: client.capabilities,
          }
        : undefined;
  }

  request(method: string, params: Record<string, unknown>, options: DirectRequestOptions): Promise<Result> {
    if (options.signal?.aborted) return Promise.reject(asSdkError(options.signal.reason));
    const id = --this.#lastId;
    const meta = { ...this.#envelope, ...(params._meta as object | undefined), progressToken: id };
    const message = { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } } as JSONRPCMessage;
    return new Promise<Result>((resolve, reject) => {
      const onAbort = () => this.#cancel(id, options.signal?.reason);
      const timer = setTimeout(() => this.#timedOut(id), options.timeout);
      this.#pending.set(id, { resolve, reject, options, startedAt: Date.now(), timer, onAbort });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#link.send(message).catch((error: unknown) => {
        if (!this.#settle(id)) return;
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /**
   * Offered each message from the server before the SDK client sees it.
   * @returns true for a response to, or progress of, one of these requests (the SDK must not see it)
   */
  take(message: JSONRPCMessage): boolean {
    if ('method' in message) {
      if (message.method !== 'notifications/progress') return false;
      const { progressToken, ...progress } = (message.params ?? {}) as { progressToken?: unknown };
      const token = ownId(progressToken);
      if (token === undefined) return false;
      // A `progress` that is not a number (or a `total` or `message` of the wrong type) is not MCP: dropped,
      // as the SDK client drops it, so it is neither passed on nor extends the request's timeout.
      if (isProgress(progress)) this.#progress(token, progress);
      return true;
    }
    const id = ownId('id' in message ? message.id : undefined);
    if (id === undefined) return false;
    const pending = this.#settle(id);
    if (!pending) return true; // answered after it was cancelled or timed out: nobody waits for it
    if ('error' in message) {
      const { code, message: text, data } = message.error;
      pending.reject(ProtocolError.fromError(code, text, data));
    } else {
      // A response with neither `result` nor `error` decodes as "not an object": it must not leave the caller waiting.
      const decoded = this.#decode((message as { result?: unknown }).result);
      if (decoded instanceof Error) pending.reject(decoded);
      else pending.resolve(decoded);
    }
    return true;
  }

  /** The connection closed: every request in flight fails, as the SDK client's own do. */
  closed(): void {
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id)?.reject(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
    }
  }

  #decode(raw: unknown): Result | Error {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return new SdkError(SdkErrorCode.InvalidResult, 'Invalid result: not an object');
    }
    // Most results pass as they are: copied only to lift a `resultType` off.
    if (!('resultType' in raw)) {
      if (!this.#envelope) return raw as Result;
      return new SdkError(SdkErrorCode.InvalidResult, 'Invalid result: missing required resultType');
    }
    const { resultType, ...rest } = raw as Record<string, unknown>;
    if (resultType === 'input_required' && this.#envelope) return raw as Result;
    if (resultType === 'complete' || !this.#envelope) return rest as Result;
    return new SdkError(
      SdkErrorCode.UnsupportedResultType,
      `Unsupported result type '${String(resultType)}'`,
    );
  }

  #progress(id: number, progress: Progress): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    const { options } = pending;
    if (Date.now() - pending.startedAt >= options.maxTotalTimeout) {
      this.#cancel(id, new SdkError(SdkErrorCode.RequestTimeout, 'Maximum total timeout exceeded'));
      return;
    }
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => this.#timedOut(id), options.timeout);
    options.onprogress(progress);
  }

  #timedOut(id: number): void {
    const timeout = this.#pending.get(id)?.options.timeout;
    this.#cancel(id, new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout }));
  }

  /** Gives up on a request: the server is told, the caller gets the reason. */
  #cancel(id: number, reason: unknown): void {
    const pending = this.#settle(id);
    if (!pending) return;
    const params = {
      requestId: id,
      reason: String(reason),
      ...(this.#envelope && { _meta: this.#envelope }),
    };
    this.#link.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params }).catch(() => {});
    pending.reject(asSdkError(reason));
  }

  /** Takes a request out of the books; undefined when it already was. */
  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.options.signal?.removeEventListener('abort', pending.onAbort);
    return pending;
  }
}

/** One of these requests' ids (negative), also as a server that turns ids into strings sends it back. */
function ownId(value: unknown): number | undefined {
  const id = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id < 0 ? id : undefined;
}

/** What the SDK rejects a request it gave up on with (the replica turns an abort into `CANCELLED`). */
function asSdkError(reason: unknown): SdkError {
  return reason instanceof SdkError ? reason : new SdkError(SdkErrorCode.RequestTimeout, String(reason));
}
