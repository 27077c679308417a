import type { RequestId } from '@modelcontextprotocol/client';
import { isRequestId } from './json-shapes.ts';

/** Bytes kept of each end of a line that is dropped for being too long: enough for its envelope keys. */
const KEPT_BYTES = 256;

/** What the ends of a dropped line say of the message it held; each field only when they say it surely. */
export interface LongLine {
  /** The message's id. */
  id?: RequestId;
  /** Whether it was a request (`method`) or a response (`result` or `error`). */
  carries?: 'request' | 'response';
}

const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/**
 * The top-level keys a line starts with, as writers put them: `"jsonrpc":"2.0"` and `"id"` (either, both,
 * in that order), then `method`, `result` or `error`. Anchored at the line's start, so nothing nested matches.
 */
const HEAD = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?(?:"id"\s*:\s*${ID}\s*,\s*)?"(method|result|error)"\s*:`,
);
/** An `"id"` that is the last key of the line's object (the SDK writes it last): the final `}` closes the top level. */
const TAIL = new RegExp(String.raw`"id"\s*:\s*${ID}\s*\}\s*$`);

/**
 * Reads a dropped line's id and kind from its first and last bytes (the middle was never kept), so the
 * request it answered, or the request it was, can be told at once instead of waiting for a timeout. A
 * response's id is trusted only when the head shows the line is a response: an id alone could be a
 * server's own request's, from a different id space.
 */
export function summarizeLongLine(head: string, tail: string): LongLine {
  const start = HEAD.exec(head);
  if (!start) return {};
  const carries = start[2] === 'method' ? 'request' : 'response';
  const raw = start[1] ?? TAIL.exec(tail)?.[1];
  if (raw === undefined) return { carries };
  const id: unknown = JSON.parse(raw);
  return isRequestId(id) ? { id, carries } : { carries };
}

/**
 * The first and last bytes of a message, kept as its bytes stream past (the middle is never held): what
 * `summarizeLongLine` reads of a message dropped for its size. Copies, so the chunks themselves are let go.
 */
export class MessageEnds {
  #head = Buffer.alloc(0);
  #tail = Buffer.alloc(0);

  add(bytes: Uint8Array): void {
    if (this.#head.length < KEPT_BYTES) {
      this.#head = Buffer.concat([this.#head, bytes.subarray(0, KEPT_BYTES - this.#head.length)]);
    }
    const joined = bytes.length >= KEPT_BYTES ? bytes : Buffer.concat([this.#tail, bytes]);
    this.#tail = Buffer.from(joined.subarray(-KEPT_BYTES));
  }

  /** The two ends as text. */
  get head(): string {
    return this.#head.toString('utf8');
  }

  get tail(): string {
    return this.#tail.toString('utf8');
  }
}
