import { MAX_LINE_BYTES } from '../protocol/json-lines.ts';
import { MessageEnds } from '../protocol/long-line.ts';

/**
 * The bytes of one message from an HTTP server as they arrive, held while they are within the cap the
 * stdio side has on a line (10 MiB); past it only the message's two ends are kept (`dropped`), for what
 * they say of it, and the rest is let go as it comes.
 */
export class HeldMessage {
  #pieces: Uint8Array[] = [];
  #bytes = 0;
  #dropped: MessageEnds | undefined;

  /** The message grew past the cap: its ends, the only part kept. */
  get dropped(): MessageEnds | undefined {
    return this.#dropped;
  }

  /** Whether `more` bytes would still be within the cap. */
  fits(more: number): boolean {
    return !this.#dropped && this.#bytes + more <= MAX_LINE_BYTES;
  }

  add(piece: Uint8Array): void {
    if (this.#dropped) {
      this.#dropped.add(piece);
      return;
    }
    this.#pieces.push(piece);
    this.#bytes += piece.length;
    if (this.#bytes <= MAX_LINE_BYTES) return;
    this.#dropped = this.ends();
    this.#pieces = [];
  }

  /** The ends of what is held (or was dropped), followed by `end`. */
  ends(end?: Uint8Array): MessageEnds {
    const ends = this.#dropped ?? new MessageEnds();
    if (!this.#dropped) for (const piece of this.#pieces) ends.add(piece);
    if (end) ends.add(end);
    return ends;
  }

  /** The pieces held, and starts over for the next message. */
  take(): Uint8Array[] {
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#bytes = 0;
    this.#dropped = undefined;
    return pieces;
  }
}
