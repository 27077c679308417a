import type { Readable, Writable } from 'node:stream';
import {
  INVALID_REQUEST,
  type JSONRPCMessage,
  PARSE_ERROR,
  type RequestId,
  type Transport,
} from '@modelcontextprotocol/server';
import { type BadLine, JsonLineReader, JsonLineWriter } from '../protocol/json-lines.ts';
import { failedAnswer } from '../protocol/json-shapes.ts';
import { OpenRequests } from './open-requests.ts';
import { envelopeProblem } from './stdio-envelope.ts';

/**
 * The stdio face's transport: MCP over this process's stdin/stdout, handed to the SDK's `serveStdio` (which
 * takes any transport), in place of the SDK's `StdioServerTransport` for three reasons:
 *
 * - **Answers survive the end of input.** The SDK's transport closes, and so aborts every request in flight,
 *   as soon as stdin ends. A client that writes its requests and closes stdin (a script, `printf ... |`)
 *   deserves its answers: this one closes once every request it read has been answered (or cancelled).
 * - **A bad line gets an answer** (the security note's bad input 36): not JSON → -32700, JSON that is no
 *   JSON-RPC message → -32600, a line over 10 MiB → -32700 after dropping it as it arrives; `id` null,
 *   and reading goes on. So does a message with a broken envelope (`envelopeProblem`). The SDK's reader
 *   reports these to the server only, and closes the connection on an over-long line.
 * - **Less work per message**: framing is the hub's `JsonLineReader` (no zod pass per message, no
 *   concatenation per chunk) and writes share one drain wait. End to end the saving is below this machine's
 *   noise (an A/B of 10 runs, docs/benchmarks.md): the reasons above are the ones that count.
 */
export class StdioWire implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Offered each message first; true keeps it from the SDK (`DirectAnswers` answers it through `send`). */
  claim?: (message: JSONRPCMessage) => boolean;
  readonly #input: Readable;
  readonly #output: Writable;
  readonly #writer: JsonLineWriter;
  readonly #lines = new JsonLineReader();
  readonly #open = new OpenRequests();
  #inputEnded = false;
  #closed = false;
  #whenClosed: () => void = () => {};
  /** Resolves once the wire closed: input ended and everything read was answered, or output failed. */
  readonly closed = new Promise<void>((resolve) => {
    this.#whenClosed = resolve;
  });

  constructor(input: Readable = process.stdin, output: Writable = process.stdout) {
    this.#input = input;
    this.#output = output;
    this.#writer = new JsonLineWriter(output);
  }

  async start(): Promise<void> {
    this.#input.on('data', this.#onData);
    this.#input.on('error', this.#onInputError);
    this.#input.on('end', this.#onInputEnd);
    this.#input.on('close', this.#onInputEnd);
    this.#output.on('error', this.#onOutputError);
    if (this.#input.readableEnded || this.#input.destroyed) setImmediate(this.#onInputEnd);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) throw new Error('the stdio connection is closed');
    await this.#writer.write(message);
    if (this.#open.sent(message)) this.#closeWhenAnswered();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#input.off('data', this.#onData);
    this.#input.off('error', this.#onInputError);
    this.#input.off('end', this.#onInputEnd);
    this.#input.off('close', this.#onInputEnd);
    // Stays attached: a write failing after the close (the client is gone) must not crash the hub.
    this.#output.off('error', this.#onOutputError);
    this.#output.on('error', () => {});
    this.#input.pause();
    this.#lines.clear();
    this.onclose?.();
    this.#whenClosed();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#lines.push(chunk, this.#handlers);
  };

  readonly #handlers = {
    message: (message: JSONRPCMessage): void => {
      const problem = envelopeProblem(message as unknown as Record<string, unknown>, this.#open);
      if (problem) {
        this.onerror?.(new Error(`${problem.message}: ${JSON.stringify(message).slice(0, 200)}`));
        if (problem.answer) this.#refuse(problem.id, problem.code, problem.message);
        return;
      }
      // A listen stream or a cancelled request, which the SDK does not answer, must not hold the end of input.
      if (this.#open.received(message)) this.#closeWhenAnswered();
      if (this.claim?.(message)) return;
      this.onmessage?.(message);
    },
    bad: (line: BadLine): void => {
      const code = line.kind === 'not-jsonrpc' ? INVALID_REQUEST : PARSE_ERROR;
      const message =
        line.kind === 'not-json'
          ? 'Parse error: the line is not JSON'
          : line.kind === 'not-jsonrpc'
            ? 'Invalid Request: not a JSON-RPC 2.0 message'
            : 'Parse error: a line over 10 MiB was dropped';
      this.onerror?.(new Error(`${message}${line.text && `: ${line.text}`}`));
      // The client's answer to a request of the hub's (for input), dropped for its length: that request
      // fails now, as an error from the client would fail it, rather than at its timeout. A response is
      // never answered.
      if (line.carries === 'response' && line.id !== undefined) {
        const dropped = "the client's answer was over 10 MiB and was dropped unread";
        this.onmessage?.(failedAnswer(line.id, dropped));
        return;
      }
      // A request dropped for its length is answered under its id, when its ends name it.
      this.#refuse(line.carries === 'request' ? (line.id ?? null) : null, code, message);
    },
  };

  /** Answers a message the SDK never sees. */
  #refuse(id: RequestId | null, code: number, message: string): void {
    // `id: null` is what JSON-RPC 2.0 prescribes when the id cannot be read; the SDK's types lack it.
    const answer = { jsonrpc: '2.0', id, error: { code, message } } as unknown as JSONRPCMessage;
    this.#writer.write(answer).catch(() => {});
  }

  readonly #onInputEnd = (): void => {
    this.#inputEnded = true;
    this.#closeWhenAnswered();
  };

  readonly #onInputError = (error: Error): void => {
    this.onerror?.(error);
  };

  /** The client went away (EPIPE): nothing more can be answered. */
  readonly #onOutputError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };

  #closeWhenAnswered(): void {
    if (this.#inputEnded && this.#open.size === 0) void this.close();
  }
}
