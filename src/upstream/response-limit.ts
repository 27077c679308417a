import { randomUUID } from 'node:crypto';
import type { Transformer, TransformStreamDefaultController } from 'node:stream/web';
import { INVALID_REQUEST, type JSONRPCErrorResponse, type RequestId } from '@modelcontextprotocol/client';
import { MAX_LINE_BYTES } from '../protocol/json-lines.ts';
import { failedAnswer } from '../protocol/json-shapes.ts';
import { summarizeLongLine } from '../protocol/long-line.ts';
import { HeldMessage } from './held-message.ts';
import { type Emit, EventCap } from './sse-events.ts';

/** What a request gets whose response was over the cap (the error names the server further up). */
export const RESPONSE_TOO_LARGE = 'the response was over 10 MiB and was dropped unread';

/** The answer that fails request `id` in place of a response over the cap, as if the server had sent it. */
export function tooLargeAnswer(id: RequestId): JSONRPCErrorResponse {
  return failedAnswer(id, RESPONSE_TOO_LARGE);
}

/**
 * What the server gets for a request of its own (asking for input) that was over the cap: refused, so it
 * does not wait for an answer that will never come.
 */
export function tooLargeRefusal(id: RequestId): JSONRPCErrorResponse {
  const message = 'Invalid Request: the request was over 10 MiB and was dropped unread';
  return { jsonrpc: '2.0', id, error: { code: INVALID_REQUEST, message } };
}

/** Marks the answer of a request whose stream ended unanswered: a key of this process, no server can send it. */
const STREAM_LOST = `toolmesh-stream-lost-${randomUUID()}`;

/** The answer that fails request `id` when its event stream ended or broke before the server answered it. */
function streamLostAnswer(id: RequestId): JSONRPCErrorResponse {
  const message = "the server ended the request's event stream before answering it";
  return failedAnswer(id, message, { [STREAM_LOST]: true });
}

/** Whether an error's `data` is that of {@link streamLostAnswer}: the request is lost, not refused. */
export function isStreamLost(data: unknown): boolean {
  return typeof data === 'object' && data !== null && STREAM_LOST in data;
}

const encoder = new TextEncoder();

/**
 * An HTTP upstream's response body under the cap the stdio side has on each line (10 MiB, as the SDK's
 * readers), for the security note's bad inputs 53 and 54 (a gigantic SSE event, a 50 MB result): a JSON
 * body or one event of an event stream that grows past it is dropped as it arrives, never held whole.
 * When its two ends show it answered a request, an error answer for that request takes its place, so the
 * call fails at once, naming the server, instead of the hub holding it or waiting out its timeout. A body
 * whose Content-Length is within the cap passes untouched (the usual JSON answer costs nothing here).
 *
 * `onDroppedRequest` is given the id of a request of the server's own that was dropped (an event stream's
 * event), for the caller to refuse it (`tooLargeRefusal`).
 *
 * `sent` is the request body the answer is for. When it is a request, its event stream that ends or breaks
 * before the answer (the server stopped, bad inputs 37 and 53) fails the request at once as well, unless
 * the stream can be resumed: the SDK gives up on such a request only at its timeout.
 */
export function limitedBody(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
  sent?: string,
  onDroppedRequest?: (id: RequestId) => void,
): ReadableStream<Uint8Array> {
  if (isEventStream(headers.get('content-type')))
    return eventStream(body, requestIdOf(sent), onDroppedRequest);
  // A missing or unreadable Content-Length is NaN, which no comparison passes.
  if (Number(headers.get('content-length') ?? Number.NaN) <= MAX_LINE_BYTES) return body;
  return body.pipeThrough(new TransformStream(new WholeBodyLimit()));
}

function isEventStream(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'text/event-stream';
}

/** The id of the request `body` holds, read from its ends (the SDK writes `id` last; no second parse). */
function requestIdOf(body: string | undefined): RequestId | undefined {
  if (body === undefined) return undefined;
  const said = summarizeLongLine(body.slice(0, 256), body.slice(-256));
  return said.carries === 'request' ? said.id : undefined;
}

/** `source` through an `EventCap`; see `limitedBody`. */
function eventStream(
  source: ReadableStream<Uint8Array>,
  request: RequestId | undefined,
  onDroppedRequest: ((id: RequestId) => void) | undefined,
) {
  const events = new EventCap(tooLargeAnswer, request, onDroppedRequest);
  const reader = source.getReader();
  const unanswered = () => request !== undefined && !events.answered && !events.resumable;
  const finish = (emit: Emit) => {
    events.end(emit);
    if (unanswered()) EventCap.emitMessage(streamLostAnswer(request as RequestId), emit);
  };
  return new ReadableStream<Uint8Array>({
    // Reads until something was passed on or the stream ended: a pull that enqueues nothing is not called again.
    async pull(controller) {
      let passed = false;
      const emit: Emit = (bytes) => {
        passed = true;
        controller.enqueue(bytes);
      };
      try {
        while (!passed) {
          const { done, value } = await reader.read();
          if (done) {
            finish(emit);
            controller.close();
            return;
          }
          events.push(value, emit);
        }
      } catch (error) {
        if (!unanswered()) throw error;
        finish(emit);
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A whole body, held until it ends (its reader, the SDK's `response.json()`, waits for the end anyway) and
 * passed on then, or replaced by the error answer once it grew past the cap.
 */
class WholeBodyLimit implements Transformer<Uint8Array, Uint8Array> {
  readonly #held = new HeldMessage();

  transform(chunk: Uint8Array): void {
    this.#held.add(chunk);
  }

  flush(controller: TransformStreamDefaultController<Uint8Array>): void {
    const { dropped } = this.#held;
    if (!dropped) {
      for (const chunk of this.#held.take()) controller.enqueue(chunk);
      return;
    }
    const { id, carries } = summarizeLongLine(dropped.head, dropped.tail);
    if (id !== undefined && carries === 'response') {
      controller.enqueue(encoder.encode(JSON.stringify(tooLargeAnswer(id))));
    }
  }
}
