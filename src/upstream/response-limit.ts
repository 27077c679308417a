import type { Transformer, TransformStreamDefaultController } from 'node:stream/web';
import { INTERNAL_ERROR, type JSONRPCErrorResponse, type RequestId } from '@modelcontextprotocol/client';
import { MAX_LINE_BYTES } from '../protocol/json-lines.ts';
import { DroppedEnds } from '../protocol/long-line.ts';

/** What a request gets whose response was over the cap (the error names the server further up). */
export const RESPONSE_TOO_LARGE = 'the response was over 10 MiB and was dropped unread';

/** The answer that fails request `id` in place of a response over the cap, as if the server had sent it. */
export function tooLargeAnswer(id: RequestId): JSONRPCErrorResponse {
  return { jsonrpc: '2.0', id, error: { code: INTERNAL_ERROR, message: RESPONSE_TOO_LARGE } };
}

const LF = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();

/**
 * An HTTP upstream's response body under the cap the stdio side has on each line (10 MiB, as the SDK's
 * readers), for the security note's bad inputs 53 and 54 (a gigantic SSE event, a 50 MB result): a JSON
 * body or one event of an event stream that grows past it is dropped as it arrives, never held whole.
 * When its two ends show it answered a request, an error answer for that request takes its place, so the
 * call fails at once, naming the server, instead of the hub holding it or waiting out its timeout. A body
 * whose Content-Length is within the cap passes untouched (the usual JSON answer costs nothing here).
 */
export function limitedBody(body: ReadableStream<Uint8Array>, headers: Headers): ReadableStream<Uint8Array> {
  if (isEventStream(headers.get('content-type')))
    return body.pipeThrough(new TransformStream(new EventLimit()));
  // A missing or unreadable Content-Length is NaN, which no comparison passes.
  if (Number(headers.get('content-length') ?? Number.NaN) <= MAX_LINE_BYTES) return body;
  return body.pipeThrough(new TransformStream(new WholeBodyLimit()));
}

function isEventStream(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'text/event-stream';
}

/**
 * A whole body, held until it ends (its reader, the SDK's `response.json()`, waits for the end anyway) and
 * passed on then, or replaced by the error answer once it grew past the cap.
 */
class WholeBodyLimit implements Transformer<Uint8Array, Uint8Array> {
  #held: Uint8Array[] = [];
  #bytes = 0;
  #dropped: DroppedEnds | undefined;

  transform(chunk: Uint8Array): void {
    if (this.#dropped) {
      this.#dropped.add(chunk);
      return;
    }
    this.#held.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes <= MAX_LINE_BYTES) return;
    this.#dropped = droppedFrom(this.#held);
    this.#held = [];
  }

  flush(controller: TransformStreamDefaultController<Uint8Array>): void {
    if (!this.#dropped) {
      for (const chunk of this.#held) controller.enqueue(chunk);
      return;
    }
    const { id, carries } = this.#dropped.summary();
    if (id !== undefined && carries === 'response') {
      controller.enqueue(encoder.encode(JSON.stringify(tooLargeAnswer(id))));
    }
  }
}

/**
 * An event stream, passed on event by event: each event is held until the blank line that ends it (its
 * reader dispatches nothing before that anyway) and dropped once it grows past the cap. A dropped event
 * that answered a request is replaced by an event with the error answer; a dropped notification or request
 * of the server's is only dropped (the server's request then waits for its own timeout).
 */
class EventLimit implements Transformer<Uint8Array, Uint8Array> {
  /** The current event's bytes from earlier chunks. */
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #dropped: DroppedEnds | undefined;
  /** The line being read is empty so far (the last byte ended a line): a line end now ends the event. */
  #blank = true;
  /** The last byte was a CR: an LF now belongs to the same line end. */
  #afterCR = false;

  transform(chunk: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>): void {
    let out = 0; // bytes of `chunk` before this are passed on or dropped
    let from = 0; // where the current event starts in `chunk` (its earlier bytes are held or dropped)
    const plain = chunk.indexOf(CR) === -1;
    for (let end = this.#nextEnd(chunk, from, plain); end !== -1; end = this.#nextEnd(chunk, from, plain)) {
      if (!this.#dropped && this.#heldBytes + end - from <= MAX_LINE_BYTES) {
        for (const piece of this.#held) controller.enqueue(piece);
      } else {
        if (from > out) controller.enqueue(chunk.subarray(out, from));
        this.#drop(chunk.subarray(from, end), controller);
        out = end;
      }
      this.#held = [];
      this.#heldBytes = 0;
      from = end;
    }
    if (from > out) controller.enqueue(chunk.subarray(out, from));
    if (from < chunk.length) this.#hold(chunk.subarray(from));
  }

  flush(controller: TransformStreamDefaultController<Uint8Array>): void {
    // An event the stream ended inside: its reader discards it, but one that was dropped may say whom it answered.
    if (this.#dropped) this.#drop(new Uint8Array(0), controller);
    else for (const piece of this.#held) controller.enqueue(piece);
  }

  #hold(rest: Uint8Array): void {
    if (this.#dropped) {
      this.#dropped.add(rest);
      return;
    }
    this.#held.push(rest);
    this.#heldBytes += rest.length;
    if (this.#heldBytes <= MAX_LINE_BYTES) return;
    this.#dropped = droppedFrom(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
  }

  /** Ends a dropped event with its last bytes `end`, putting the error answer in its place if it shows one. */
  #drop(end: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>): void {
    const dropped = this.#dropped ?? droppedFrom(this.#held);
    this.#dropped = undefined;
    dropped.add(end);
    const { id, carries } = dropped.summary(eventData);
    if (id === undefined || carries !== 'response') return;
    controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(tooLargeAnswer(id))}\n\n`));
  }

  /**
   * The index just past the next blank line at or after `from` (the end of an event), or -1; the line state
   * carries over to the next chunk. Lines end with LF, CRLF or CR (the SSE grammar); a chunk without CR, the
   * usual case, jumps from LF to LF.
   */
  #nextEnd(chunk: Uint8Array, from: number, plain: boolean): number {
    if (plain && !this.#afterCR) {
      for (let i = chunk.indexOf(LF, from); i !== -1; i = chunk.indexOf(LF, i + 1)) {
        const empty = i === from ? this.#blank : chunk[i - 1] === LF;
        if (empty) {
          this.#blank = true;
          return i + 1;
        }
      }
      if (chunk.length > from) this.#blank = chunk[chunk.length - 1] === LF;
      return -1;
    }
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === LF && this.#afterCR) {
        this.#afterCR = false; // the LF of a CRLF: the line ended at its CR
        continue;
      }
      if (byte === LF || byte === CR) {
        this.#afterCR = byte === CR;
        if (this.#blank) return i + 1;
        this.#blank = true;
      } else {
        this.#blank = false;
        this.#afterCR = false;
      }
    }
    return -1;
  }
}

function droppedFrom(chunks: readonly Uint8Array[]): DroppedEnds {
  const ends = new DroppedEnds();
  for (const chunk of chunks) ends.add(chunk);
  return ends;
}

/** An event's two ends as JSON text: its data from the first `data:` field on (the tail needs nothing off). */
function eventData(head: string, tail: string): [string, string] {
  const field = /(?:^|[\r\n])data: ?/.exec(head);
  return [field ? head.slice(field.index + field[0].length) : '', tail];
}
