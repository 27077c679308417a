import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/model.ts';
import { HubError, isAbortError } from '../errors.ts';
import { isStreamLost } from './response-limit.ts';

/**
 * Normalises anything an upstream request threw into a `HubError` that names the server. An upstream's own
 * JSON-RPC error keeps its code, message and data (`UPSTREAM_ERROR`, passed through on the wire); the hub's
 * view of the failure (timeout, closed connection, unreachable) gets the matching hub code.
 */
export function upstreamError(reason: unknown, server: string): HubError {
  if (HubError.is(reason)) return reason;
  if (isAbortError(reason)) return new HubError('CANCELLED', 'request cancelled', { server, cause: reason });
  if (reason instanceof ProtocolError && isStreamLost(reason.data)) {
    // The request's event stream ended or broke before the answer (the server stopped, or a proxy cut it):
    // the request is lost with that stream, as with a closed connection, and the server did not refuse it.
    return new HubError(
      'UPSTREAM_UNAVAILABLE',
      `server "${server}" ended the request's stream before answering`,
      {
        server,
        retryable: true,
        cause: reason,
      },
    );
  }
  if (reason instanceof ProtocolError) {
    return new HubError('UPSTREAM_ERROR', reason.message, {
      server,
      cause: reason,
      data: { upstreamCode: reason.code, upstreamData: reason.data },
    });
  }
  if (reason instanceof SdkError) {
    if (reason.code === SdkErrorCode.RequestTimeout) {
      return new HubError('UPSTREAM_TIMEOUT', `server "${server}" did not answer in time`, {
        server,
        retryable: true,
        cause: reason,
      });
    }
    if (reason.code === SdkErrorCode.ConnectionClosed || reason.code === SdkErrorCode.NotConnected) {
      return new HubError('UPSTREAM_UNAVAILABLE', `server "${server}" closed the connection`, {
        server,
        retryable: true,
        cause: reason,
      });
    }
  }
  const refused = refusedAccess(reason);
  if (refused !== undefined) {
    // The credentials the config gives the server no longer do (a token expired, access revoked): calling
    // again sends the same ones.
    return new HubError(
      'UPSTREAM_UNAVAILABLE',
      `server "${server}" refused the hub's credentials (HTTP ${refused})`,
      {
        server,
        retryable: false,
        cause: reason,
      },
    );
  }
  // Thrown in this process while encoding the request (arguments nested deeper than the stack allows, a
  // string past V8's limit): the caller's input, not the server's health. Counted as a failure of the
  // server, ten such calls opened its circuit for every client.
  if (reason instanceof RangeError) {
    return new HubError(
      'INVALID_REQUEST',
      `the request could not be encoded for server "${server}": ${reason.message}`,
      {
        server,
        cause: reason,
      },
    );
  }
  const detail = reason instanceof Error ? reason.message.split('\n')[0] : String(reason);
  return new HubError('UPSTREAM_UNAVAILABLE', `server "${server}" failed: ${detail}`, {
    server,
    retryable: true,
    cause: reason,
  });
}

/** The server answered an HTTP request with 429 Too Many Requests. */
export function isTooManyRequests(reason: unknown): boolean {
  return reason instanceof SdkHttpError && reason.status === 429;
}

/**
 * What a request the server refused with 429 gets: `RATE_LIMITED` with its `Retry-After`, as the hub's own
 * limits answer. Marked as never sent (the server refused it without acting on it), so it may go to another
 * replica, and breakers and outlier detection do not count a server that asks for patience as unwell.
 */
export function rateLimited(reason: unknown, server: string, retryAfterMs: number | undefined): HubError {
  const after = retryAfterMs === undefined ? '' : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`;
  const error = new HubError('RATE_LIMITED', `server "${server}" is limiting its rate (HTTP 429)${after}`, {
    server,
    retryable: true,
    cause: reason,
    data: retryAfterMs === undefined ? {} : { retryAfterMs },
  });
  return markUnsent(error);
}

/** True for failures that mean the connection itself is gone (as opposed to one request failing). */
export function isConnectionLoss(reason: unknown): boolean {
  if (reason instanceof SdkError) {
    return reason.code === SdkErrorCode.ConnectionClosed || reason.code === SdkErrorCode.NotConnected;
  }
  // fetch() reports refused/reset connections as a TypeError whose cause carries the socket error code.
  const cause = (reason as { cause?: { code?: unknown } } | undefined)?.cause;
  return reason instanceof TypeError && typeof cause?.code === 'string';
}

/** Start errors that will repeat on every attempt (retrying them would only be a retry storm). */
export function isPermanentStartError(reason: unknown, server: ServerConfig): boolean {
  const code = (reason as { code?: unknown } | undefined)?.code;
  return (
    code === 'ENOENT' ||
    code === 'ENOTDIR' ||
    code === 'EACCES' ||
    code === 'ERR_INVALID_URL' ||
    refusedRequiredEra(reason, server) ||
    refusedAccess(reason) !== undefined
  );
}

/**
 * 401 or 403 from an HTTP server: the credentials the config gives it are missing or wrong. Starting again
 * sends the same ones (a config edit restarts the server with new ones), so the server fails at once.
 */
export function refusedAccess(reason: unknown): 401 | 403 | undefined {
  const status = reason instanceof SdkHttpError ? reason.status : undefined;
  return status === 401 || status === 403 ? status : undefined;
}

/** The server did not offer the revision `protocol:` requires: starting again would not change that. */
export function refusedRequiredEra(reason: unknown, server: ServerConfig): boolean {
  return (
    server.protocol === '2026-07-28' &&
    reason instanceof SdkError &&
    reason.code === SdkErrorCode.EraNegotiationFailed
  );
}

/**
 * The server answered 404 to a request on its session: it restarted or dropped the session, and did not
 * act on the request. The hub reconnects (a new session) and sends it again.
 */
export function isSessionLost(reason: unknown): boolean {
  return reason instanceof SdkHttpError && reason.status === 404;
}

/** Errors for requests that never reached the server (see `markUnsent`). */
const unsent = new WeakSet<object>();

/**
 * Marks `error` as raised before its request reached the server (not connected, session gone, nothing
 * listening), so a caller may send it elsewhere even when it is not safe to repeat. Returns `error`.
 */
export function markUnsent<E extends object>(error: E): E {
  unsent.add(error);
  return error;
}

/** True when `error` was marked by `markUnsent`: the server cannot have acted on the request. */
export function wasNeverSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && unsent.has(error);
}
