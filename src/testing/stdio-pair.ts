import { PassThrough } from 'node:stream';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import type { Hub } from '../hub.ts';
import { JsonLineReader, JsonLineWriter } from '../protocol/json-lines.ts';
import { McpFace } from '../server/mcp-server.ts';
import { serveStdio } from '../server/stdio.ts';

/** One face per hub for all its in-process connections, as one per process for `serve --stdio`. */
const faces = new WeakMap<Hub, McpFace>();

/**
 * A client transport to a new stdio connection of `hub`, served in this process over a pair of pipes: the
 * stdio face exactly as `serve --stdio` runs it (wire, direct calls, SDK), without a process per client, so
 * a test can open many and still read the hub's state.
 */
export class InProcessStdio implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #toHub = new PassThrough();
  readonly #fromHub = new PassThrough();
  readonly #writer = new JsonLineWriter(this.#toHub);
  readonly #lines = new JsonLineReader();
  readonly #hub: Hub;
  #served: Promise<void> | undefined;

  constructor(hub: Hub) {
    this.#hub = hub;
  }

  async start(): Promise<void> {
    let face = faces.get(this.#hub);
    if (!face) {
      face = new McpFace(this.#hub);
      faces.set(this.#hub, face);
    }
    this.#served = serveStdio(this.#hub, { input: this.#toHub, output: this.#fromHub, face });
    this.#fromHub.on('data', (chunk: Buffer) =>
      this.#lines.push(chunk, {
        message: (message) => this.onmessage?.(message),
        bad: (line) => this.onerror?.(new Error(`the hub wrote a bad line: ${line.text}`)),
      }),
    );
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.#writer.write(message);
  }

  /** Ends the client's input, as a client process exiting would, and waits for the hub to close it. */
  async close(): Promise<void> {
    this.#writer.end();
    await this.#served;
    this.onclose?.();
  }
}
