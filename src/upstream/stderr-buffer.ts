/**
 * A capped buffer of a child's most recent stderr output. The hub keeps only the tail so a chatty server can
 * never grow the hub's memory, and shows it in `toolmesh servers` and in start-up failure messages.
 */
export class StderrBuffer {
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;
  /** Bytes dropped from the front since the process started. */
  dropped = 0;

  constructor(maxBytes = 16 * 1024) {
    this.#maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size > this.#maxBytes && this.#chunks.length > 0) {
      const first = this.#chunks[0] as Buffer;
      const excess = this.#size - this.#maxBytes;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
        this.dropped += first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
        this.dropped += excess;
      }
    }
  }

  /** The buffered text (UTF-8, possibly starting mid-line when older output was dropped). */
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }

  /** The last `n` non-empty lines, for short error messages. */
  lastLines(n: number): string[] {
    return this.text()
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line.length > 0)
      .slice(-n);
  }
}
