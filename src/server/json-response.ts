/**
 * The SDK's 2025-era Streamable HTTP transport answers every POST with an SSE stream, even when the
 * stream will carry nothing but the response. Clients pay for that: an SDK client spends about a fifth more
 * CPU per call on an event stream than on a JSON body (0.88 against 0.73 ms, docs/benchmarks.md). The SDK's JSON mode (`enableJsonResponse`) is per transport,
 * not per request, and drops progress notifications, so it cannot be used for a session.
 *
 * `preferJson` gives a legacy session the modern transport's `auto` behaviour instead: it reads the stream
 * the transport produced, and if the first message in it is the response (nothing related came before it)
 * and the stream ends there, it answers that message as `application/json`. A request whose handler sends
 * progress (or anything else) first gets the stream as it is, from its first byte. A response that takes
 * longer than `waitMs` is streamed too, so slow calls get their headers early as before.
 */

/** How long a call may take before its response headers are sent anyway (as a stream). */
export const JSON_WAIT_MS = 2_000;

const STREAM_ONLY_HEADERS = new Set(['content-type', 'cache-control', 'connection', 'x-accel-buffering']);

export async function preferJson(response: Response, waitMs = JSON_WAIT_MS): Promise<Response> {
  if (
    response.status !== 200 ||
    !response.body ||
    !response.headers.get('content-type')?.startsWith('text/event-stream')
  ) {
    return response;
  }
  const reader = response.body.getReader();
  const seen: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  // A read still pending when the wait runs out belongs to the stream that is handed on.
  let pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined;
  const next = async () => {
    pending ??= reader.read();
    const result = await Promise.race([pending, timedOut]);
    if (result !== 'timeout') pending = undefined;
    return result;
  };
  const stream = () => asStream(response, seen, reader, pending);
  try {
    let data: string | undefined;
    // Up to the first event that carries data (priming events and comments carry none).
    while (data === undefined) {
      const read = await next();
      if (read === 'timeout' || read.done) return stream();
      seen.push(read.value);
      text += decoder.decode(read.value, { stream: true });
      let end = text.indexOf('\n\n');
      while (data === undefined && end !== -1) {
        data = eventData(text.slice(0, end));
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    }
    if (!isResponse(data) || text.trim() !== '') return stream();
    // The transport closes the stream right after a single request's response; anything more (a batch)
    // is streamed.
    const last = await next();
    if (last === 'timeout') return stream();
    if (!last.done) {
      seen.push(last.value);
      return stream();
    }
    const headers = new Headers();
    for (const [name, value] of response.headers)
      if (!STREAM_ONLY_HEADERS.has(name)) headers.set(name, value);
    headers.set('content-type', 'application/json');
    return new Response(data, { status: 200, headers });
  } finally {
    clearTimeout(timer);
  }
}

/** The data of one SSE event (data lines joined by newlines), or undefined when it has none. */
function eventData(event: string): string | undefined {
  let data: string | undefined;
  for (const line of event.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const value = line.slice(line.startsWith('data: ') ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data === '' ? undefined : data;
}

function isResponse(data: string): boolean {
  // The SDK writes a result as `{"result":…`; nothing else starts that way. Checked first so a large
  // result is not parsed once more just to be recognised.
  if (data.startsWith('{"result":')) return true;
  try {
    const message = JSON.parse(data) as unknown;
    return (
      typeof message === 'object' &&
      message !== null &&
      !Array.isArray(message) &&
      !('method' in message) &&
      ('result' in message || 'error' in message)
    );
  } catch {
    return false;
  }
}

/** The original stream, replayed from its first byte: what was read already, then the rest. */
function asStream(
  response: Response,
  seen: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined,
): Response {
  let first = pending;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
    },
    async pull(controller) {
      const read = first ?? reader.read();
      first = undefined;
      const { value, done } = await read;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
