import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestId } from '@modelcontextprotocol/client';
import type { Dispatcher } from 'undici';
import { limitedBody } from './response-limit.ts';

/**
 * The `fetch` the SDK's HTTP transports use to reach upstream servers: undici's `request`, the engine under
 * Node's own `fetch`, without the Fetch standard's layers (Request and Headers objects with guards, a body
 * mixin per side, the response's web stream taken apart again by the SDK). Measured: Node's `fetch` was
 * 36.7 % of the hub's CPU when relaying to an HTTP upstream (docs/benchmarks.md).
 *
 * Only what the SDK sends on its request path takes this route: a URL, a string body or none, and
 * `redirect: 'manual'` (the SDK follows redirects itself, within the origin). Anything else (an OAuth
 * form body, `redirectPolicy: 'follow'`) goes to Node's `fetch` unchanged. Failures keep fetch's shape,
 * a `TypeError` whose `cause` carries the socket error's code, since the call path reads them that way.
 * undici is loaded on the first request (730 KB of code a hub with only stdio servers never needs). Every
 * body, on either route, comes under the size cap of `limitedBody`, which tells `onDroppedRequest` of a
 * request of the server's own it dropped.
 */
export function upstreamFetch(onDroppedRequest?: (id: RequestId) => void): typeof fetch {
  return async (input, init) => {
    if (!(input instanceof URL || typeof input === 'string') || !plainRequest(init)) {
      const sent = typeof init?.body === 'string' ? init.body : undefined;
      return withLimitedBody(await fetch(input, init), sent, onDroppedRequest);
    }
    return viaUndici(input, init, onDroppedRequest);
  };
}

/** `upstreamFetch` for what the SDK sends on its request path: undici's `request`. */
async function viaUndici(
  input: URL | string,
  init: RequestInit | undefined,
  onDroppedRequest: ((id: RequestId) => void) | undefined,
): Promise<Response> {
  const signal = init?.signal ?? undefined;
  const request = await undiciRequest();
  try {
    const answer = await request(input, {
      method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: headerList(init?.headers),
      body: init?.body as string | undefined,
      signal,
    });
    const headers = responseHeaders(answer.headers);
    const body = hasBody(answer.statusCode)
      ? limitedBody(
          Readable.toWeb(answer.body) as ReadableStream<Uint8Array>,
          headers,
          init?.body as string | undefined,
          onDroppedRequest,
        )
      : null;
    // undici asks that every body be read or dumped; nobody reads the (empty) body of these statuses.
    if (!body) void answer.body.dump();
    // request() does not keep the reason phrase; the SDK puts it in its error messages.
    return new Response(body, {
      status: answer.statusCode,
      statusText: STATUS_CODES[answer.statusCode] ?? '',
      headers,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError('fetch failed', { cause: error });
  }
}

/** `response`, its body under the cap (a new `Response` only when the body needs watching). */
function withLimitedBody(
  response: Response,
  sent: string | undefined,
  onDroppedRequest: ((id: RequestId) => void) | undefined,
): Response {
  if (!response.body) return response;
  const body = limitedBody(response.body, response.headers, sent, onDroppedRequest);
  if (body === response.body) return response;
  const { status, statusText, headers } = response;
  return new Response(body, { status, statusText, headers });
}

let loaded: typeof import('undici').request | undefined;

async function undiciRequest(): Promise<typeof import('undici').request> {
  // undici is CommonJS: `default` is its exports both under Node and in the esbuild bundle, where the
  // named exports of a dynamically imported CommonJS module are absent.
  loaded ??= (await import('undici')).default.request;
  return loaded;
}

function plainRequest(init: RequestInit | undefined): boolean {
  return (
    init?.redirect === 'manual' &&
    (init.body === undefined || init.body === null || typeof init.body === 'string')
  );
}

function headerList(headers: RequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Record<string, string>;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/** The statuses a `Response` must be built without a body for. */
function hasBody(status: number): boolean {
  return status !== 101 && status !== 204 && status !== 205 && status !== 304;
}
