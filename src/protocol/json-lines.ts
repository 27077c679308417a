import type { Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { isRequestId } from './json-shapes.ts';
import { type LongLine, MessageEnds, summarizeLongLine } from './long-line.ts';
import { messageJson } from './reused-results.ts';

/** Largest line accepted, as the SDK's `ReadBuffer` (10 MiB). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * A line that is not a message: `not-json` (a banner, a typo), `not-jsonrpc` (JSON without the JSON-RPC 2.0
 * envelope) or `too-long` (over {@link MAX_LINE_BYTES}; dropped as it arrives, never buffered whole). Where
 * it shows that it answers a request (`id` and `carries`), the request can be failed at once.
 */
export interface BadLine extends LongLine {
  kind: 'not-json' | 'not-jsonrpc' | 'too-long';
  /** The start of the line, for a message (empty for `too-long`). */
  text: string;
}

export interface LineHandlers {
  message(message: JSONRPCMessage): void;
  bad(line: BadLine): void;
}

/**
 * Newline-delimited JSON-RPC framing (the MCP stdio binding), on the hot path of every stdio call on both
 * sides of the hub: the face reads its client with it, `ChildStdioTransport` its servers.
 *
 * It reads what the SDK's `ReadBuffer` reads, with three differences that matter: chunks are kept in a list
 * and joined only once a line is complete (the SDK concatenates the whole buffer on every chunk, quadratic
 * for big messages); a parsed line is checked only for the JSON-RPC envelope instead of being run through
 * the SDK's zod message schema (the SDK's `Protocol` classifies every message again with its own guards and
 * reports anything it cannot place, so nothing malformed gets further; on the upstream side the zod pass
 * was about 3 % of the hub's CPU per call); and a bad line is handed to the caller and reading goes on, where the
 * SDK's reader throws (its server transport then closes the connection). A line over the cap is dropped as
 * it arrives and reported once it ends, with what its two ends say of it (`summarizeLongLine`): its id, so
 * the request it answered fails at once rather than at its timeout.
 */
export class JsonLineReader {
  #chunks: Buffer[] = [];
  #pending = 0;
  /** Inside a line that grew past the cap, dropped until its newline: its first and latest bytes. */
  #skipping: MessageEnds | undefined;

  /** Adds a chunk and reports every complete line, in order. */
  push(chunk: Buffer, handlers: LineHandlers): void {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) break;
      const tail = chunk.subarray(start, end);
      start = end + 1;
      if (!this.#skipping && this.#pending + tail.length > MAX_LINE_BYTES) {
        // Over the cap and whole at once (one big chunk, as from an in-process stream): dropped all the same,
        // or it would reach a server whose own reader closes the connection over it (the SDK's caps at 10 MiB).
        this.#skip();
      }
      if (this.#skipping) {
        this.#skipping.add(tail);
        handlers.bad(this.#dropped());
        continue;
      }
      const line = this.#chunks.length === 0 ? tail : Buffer.concat([...this.#chunks, tail]);
      this.clear();
      const message = parseLine(line);
      if (message === undefined) continue;
      if ('jsonrpc' in message) handlers.message(message);
      else handlers.bad(message);
    }
    if (start === chunk.length) return;
    const rest = start === 0 ? chunk : chunk.subarray(start);
    if (this.#skipping) {
      this.#skipping.add(rest);
      return;
    }
    this.#pending += rest.length;
    this.#chunks.push(rest);
    if (this.#pending > MAX_LINE_BYTES) this.#skip();
  }

  /** The line read so far is over the cap: from now on only its ends are kept. */
  #skip(): void {
    this.#skipping = new MessageEnds();
    for (const chunk of this.#chunks) this.#skipping.add(chunk);
    this.clear();
  }

  /** A line dropped for its length has ended: what it was, as far as its two ends tell. */
  #dropped(): BadLine {
    const ends = this.#skipping as MessageEnds;
    this.#skipping = undefined;
    return { kind: 'too-long', text: '', ...summarizeLongLine(ends.head, ends.tail) };
  }

  clear(): void {
    this.#chunks = [];
    this.#pending = 0;
  }
}

/** The message, what is wrong with the line, or undefined for a blank line (nothing to answer or report). */
function parseLine(line: Buffer): JSONRPCMessage | BadLine | undefined {
  let text = line.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Checked only here, off the path of every line. A byte order mark (a Windows tool writing "UTF-8 with
    // BOM") is read past, as the HTTP face's body decoding does; a blank line is never JSON.
    if (text.charCodeAt(0) === 0xfeff) return parseLine(line.subarray(3));
    return text.trim() === '' ? undefined : { kind: 'not-json', text: text.slice(0, 200) };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const envelope = value as { jsonrpc?: unknown; method?: unknown; id?: unknown };
    const shaped = typeof envelope.method === 'string' || 'id' in envelope || 'error' in envelope;
    if (envelope.jsonrpc === '2.0' && shaped) return value as JSONRPCMessage;
    // An answer without the JSON-RPC 2.0 envelope still says which request it answers: that request can
    // fail at once rather than at its timeout.
    const { id } = envelope;
    if (('result' in envelope || 'error' in envelope) && isRequestId(id)) {
      return { kind: 'not-jsonrpc', text: text.slice(0, 200), id, carries: 'response' };
    }
  }
  return { kind: 'not-jsonrpc', text: text.slice(0, 200) };
}

const MAX_BATCH_CHARS = 1024 * 1024;

/**
 * Writes messages as lines to a pipe. The lines written in one turn of the event loop go out as one write
 * at the end of that turn (`setImmediate`: after every I/O callback of the turn, where a `nextTick` would
 * write after each one). Under load a chunk read from the client holds several requests, a chunk from a
 * server several responses, and the HTTP face reads several POSTs in one turn, each from its own socket;
 * a write each woke the reader once per message (on Linux a write to process.stdout on a pipe is even
 * synchronous): a tenth of the hub's CPU per call at 16 in flight, with no measurable cost to a lone call
 * (docs/benchmarks.md).
 *
 * A write resolves once the pipe took it; while the pipe is full, every writer shares one wait (one
 * listener, however many calls are in flight), and a pipe that closes meanwhile ends the wait too, so a dead
 * peer fails its requests rather than hanging them.
 */
export class JsonLineWriter {
  readonly #stream: Writable;
  #drained: Promise<void> | undefined;
  /** The lines of this turn, not yet written, and the promise their writers wait on. */
  #batch: (PromiseWithResolvers<void> & { text: string }) | undefined;

  constructor(stream: Writable) {
    this.#stream = stream;
  }

  write(message: JSONRPCMessage): Promise<void> {
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) return Promise.reject(new Error('Not connected'));
    let line: string;
    try {
      line = `${messageJson(message)}\n`;
    } catch (error) {
      // Nested deeper than the stack allows: the caller's promise fails, it does not throw in its face.
      return Promise.reject(error);
    }
    // Big messages gain nothing from sharing a write, and a string has a maximum length: past 1 MiB the
    // batch goes out now.
    if (this.#batch && this.#batch.text.length + line.length > MAX_BATCH_CHARS) this.#flush();
    if (this.#batch) this.#batch.text += line;
    else {
      this.#batch = { text: line, ...Promise.withResolvers<void>() };
      setImmediate(this.#flush);
    }
    return this.#batch.promise;
  }

  /** Writes what is held, then ends the stream. */
  end(): void {
    this.#flush();
    this.#stream.end();
  }

  readonly #flush = (): void => {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) batch.reject(new Error('Not connected'));
    else if (stream.write(batch.text)) batch.resolve();
    else void this.#untilDrained().then(batch.resolve);
  };

  #untilDrained(): Promise<void> {
    const stream = this.#stream;
    this.#drained ??= new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        this.#drained = undefined;
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
    });
    return this.#drained;
  }
}
