import type { JSONRPCMessage } from '@modelcontextprotocol/client';

/** Largest line accepted from a child, as the SDK's `ReadBuffer` (10 MiB). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Newline-delimited JSON-RPC framing for a child's stdout, on the hot path of every stdio call.
 *
 * It behaves like the SDK's `ReadBuffer` (a line that is not JSON is skipped silently, so servers that print
 * banners keep working; a line over 10 MiB is an error) with two differences that matter under load:
 * chunks are kept in a list and joined only once a line is complete (the SDK concatenates the whole
 * buffer on every chunk, quadratic for big messages), and a parsed line is checked only for the JSON-RPC
 * envelope instead of being run through the SDK's zod message schema. The SDK's `Protocol` classifies
 * every message again with its own guards and reports anything it cannot place, so nothing malformed gets
 * further than it did before; the zod pass was pure overhead (about 3 % of the hub's CPU per stdio call).
 */
export class JsonLineReader {
  #chunks: Buffer[] = [];
  #pending = 0;

  /**
   * Adds a chunk and calls `onmessage` for every complete line that holds a JSON-RPC message, and
   * `onerror` for a line that is JSON but not JSON-RPC (the line is dropped, later lines still count).
   * @throws Error when a line grows past {@link MAX_LINE_BYTES} (the partial line is dropped).
   */
  push(chunk: Buffer, onmessage: (message: JSONRPCMessage) => void, onerror: (error: Error) => void): void {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end === -1) break;
      const tail = chunk.subarray(start, end);
      const line = this.#chunks.length === 0 ? tail : Buffer.concat([...this.#chunks, tail]);
      this.#chunks = [];
      this.#pending = 0;
      start = end + 1;
      const message = parseLine(line);
      if (message instanceof Error) onerror(message);
      else if (message !== undefined) onmessage(message);
    }
    if (start < chunk.length) {
      this.#pending += chunk.length - start;
      if (this.#pending > MAX_LINE_BYTES) {
        this.clear();
        throw new Error(`ReadBuffer exceeded maximum size of ${MAX_LINE_BYTES} bytes`);
      }
      this.#chunks.push(start === 0 ? chunk : chunk.subarray(start));
    }
  }

  clear(): void {
    this.#chunks = [];
    this.#pending = 0;
  }
}

/** A message, `undefined` for a line to skip silently (not JSON), or an Error for JSON that is not JSON-RPC. */
function parseLine(line: Buffer): JSONRPCMessage | Error | undefined {
  let text = line.toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const envelope = value as { jsonrpc?: unknown; method?: unknown };
    const shaped = typeof envelope.method === 'string' || 'id' in envelope || 'error' in envelope;
    if (envelope.jsonrpc === '2.0' && shaped) {
      return value as JSONRPCMessage;
    }
  }
  return new Error(`not a JSON-RPC message: ${text.slice(0, 200)}`);
}
