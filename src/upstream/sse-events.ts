import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/client';
import { type LongLine, type MessageEnds, summarizeLongLine } from '../protocol/long-line.ts';
import { HeldMessage } from './held-message.ts';

const LF = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();

/** Where the bytes an `EventCap` lets through go. */
export type Emit = (bytes: Uint8Array) => void;

/**
 * An event stream from an HTTP server, passed on event by event: each event is held until the blank line
 * that ends it (its reader dispatches nothing before that anyway) and dropped once it grows past the cap
 * the stdio side has on a line (10 MiB). A dropped event that answered a request is replaced by an event
 * with the answer `replace` gives for that request; a dropped request of the server's is told to
 * `onDroppedRequest` (which refuses it, so the server does not wait), a dropped notification only dropped.
 *
 * For the stream of one POST (`request`, its id), it also tells whether that request's answer went by
 * (`answered`) and whether the stream can be resumed (an event carried an `id:` field, which lets the SDK
 * reconnect with `Last-Event-ID`), so a stream that ends without either can fail the request at once.
 */
export class EventCap {
  readonly #replace: (id: RequestId) => JSONRPCMessage;
  readonly #request: RequestId | undefined;
  readonly #onDroppedRequest: ((id: RequestId) => void) | undefined;
  /** The current event's bytes from earlier chunks. */
  readonly #held = new HeldMessage();
  /** The line being read is empty so far (the last byte ended a line): a line end now ends the event. */
  #blank = true;
  /** The last byte was a CR: an LF now belongs to the same line end. */
  #afterCR = false;
  #answered = false;
  #resumable = false;

  constructor(
    replace: (id: RequestId) => JSONRPCMessage,
    request?: RequestId,
    onDroppedRequest?: (id: RequestId) => void,
  ) {
    this.#replace = replace;
    this.#request = request;
    this.#onDroppedRequest = onDroppedRequest;
  }

  /** The answer to `request` went by (passed on, or put in place of one over the cap). */
  get answered(): boolean {
    return this.#answered;
  }

  /** An event carried an `id:`, so the SDK may resume the stream rather than give the request up. */
  get resumable(): boolean {
    return this.#resumable;
  }

  push(chunk: Uint8Array, emit: Emit): void {
    let out = 0; // bytes of `chunk` before this are passed on or dropped
    let from = 0; // where the current event starts in `chunk` (its earlier bytes are held or dropped)
    const plain = chunk.indexOf(CR) === -1;
    for (let end = this.#nextEnd(chunk, from, plain); end !== -1; end = this.#nextEnd(chunk, from, plain)) {
      if (this.#held.fits(end - from)) {
        if (this.#watching) this.#note(this.#held.ends(chunk.subarray(from, end)));
        for (const piece of this.#held.take()) emit(piece);
      } else {
        if (from > out) emit(chunk.subarray(out, from));
        this.#drop(chunk.subarray(from, end), emit);
        out = end;
      }
      from = end;
    }
    if (from > out) emit(chunk.subarray(out, from));
    if (from < chunk.length) this.#held.add(chunk.subarray(from));
  }

  /** The stream ended: an event left unended is passed on (its reader discards it) or, if dropped, summed up. */
  end(emit: Emit): void {
    if (this.#held.dropped) this.#drop(new Uint8Array(0), emit);
    else for (const piece of this.#held.take()) emit(piece);
  }

  /** Emits `message` as an event of its own. */
  static emitMessage(message: JSONRPCMessage, emit: Emit): void {
    emit(encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
  }

  get #watching(): boolean {
    return this.#request !== undefined && !this.#answered;
  }

  /** Ends a dropped event with its last bytes `end`, putting the answer in its place if it shows one. */
  #drop(end: Uint8Array, emit: Emit): void {
    const { id, carries } = this.#note(this.#held.ends(end));
    this.#held.take();
    if (id === undefined) return;
    if (carries === 'response') EventCap.emitMessage(this.#replace(id), emit);
    else if (carries === 'request') this.#onDroppedRequest?.(id);
  }

  /** What an event's ends say of its message; notes an `id:` field, and the answer to `request`. */
  #note(ends: MessageEnds): LongLine {
    const { head, tail } = ends;
    const data = /(?:^|[\r\n])data: ?/.exec(head);
    if (/(?:^|[\r\n])id:/.test(data ? head.slice(0, data.index) : head)) this.#resumable = true;
    const said = summarizeLongLine(data ? head.slice(data.index + data[0].length) : '', tail);
    if (said.carries === 'response' && said.id === this.#request && said.id !== undefined)
      this.#answered = true;
    return said;
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
