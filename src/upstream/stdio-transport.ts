import type { ChildProcess } from 'node:child_process';
import type { JSONRPCMessage, RequestId, Transport } from '@modelcontextprotocol/client';
import { type BadLine, JsonLineReader, JsonLineWriter, type LineHandlers } from '../protocol/json-lines.ts';
import { failedAnswer } from '../protocol/json-shapes.ts';
import type { DirectRequests } from './direct-requests.ts';
import { takeEarlySpawn } from './early-spawn.ts';
import { tooLargeAnswer, tooLargeRefusal } from './response-limit.ts';
import { killGroup, type StdioParams, spawnStdioChild } from './spawn-child.ts';
import { StderrBuffer } from './stderr-buffer.ts';

/** What the request gets whose answer came without the JSON-RPC 2.0 envelope. */
const NOT_JSONRPC = 'the answer is not JSON-RPC 2.0 (it lacks "jsonrpc": "2.0") and was not read';

const GRACE_MS = 1_000;
const TERM_MS = 2_000;

/**
 * MCP over a child's stdin/stdout, written here rather than using the SDK's `StdioClientTransport` because
 * the hub needs three things it lacks: the child leads its own process group so stopping it also stops
 * grandchildren (`npx`, `sh -c` wrappers), stderr is kept in a capped buffer for error messages, and the
 * version probe runs in place instead of on a second spawned sibling. Framing (`JsonLineReader`) skips
 * non-JSON lines like the SDK's `ReadBuffer` (servers that print banners on stdout keep working).
 */
export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  /** Requests sent beside the SDK client's: offered each message first, told when the connection closed. */
  direct?: Pick<DirectRequests, 'take' | 'closed'>;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly stderr = new StderrBuffer();
  readonly #params: StdioParams;
  readonly #lines = new JsonLineReader();
  readonly #queue: JSONRPCMessage[] = [];
  #paused = false;
  #child: ChildProcess | undefined;
  #writer: JsonLineWriter | undefined;
  #exited: Promise<void> = Promise.resolve();
  #started: Promise<void> | undefined;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;

  constructor(params: StdioParams) {
    this.#params = params;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Spawns the child. Idempotent: the hub calls it before `client.connect()` (which calls it again) because
   * the SDK's version-negotiating connect never settles when a transport's start rejects (seen with 2.4.0).
   */
  start(): Promise<void> {
    this.#started ??= this.#spawn();
    return this.#started;
  }

  #spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      // A process `serve` spawned early for exactly these parameters has long emitted 'spawn'.
      const early = takeEarlySpawn(this.#params);
      const child = early ?? spawnStdioChild(this.#params);
      this.#child = child;
      if (child.stdin) this.#writer = new JsonLineWriter(child.stdin);
      // 'exit', not 'close': a grandchild that inherited the pipes can keep them open after the child died.
      this.#exited = new Promise((done) => child.once('exit', () => done()));
      let spawned = early !== undefined;
      if (spawned) resolve();
      else {
        child.once('spawn', () => {
          spawned = true;
          resolve();
        });
      }
      child.once('error', (error) => {
        if (spawned) return this.onerror?.(error);
        this.#child = undefined; // never started: there is nothing to stop
        reject(error);
      });
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.#child = undefined;
        killGroup(child, 'SIGKILL'); // leave no orphaned grandchildren behind
        this.direct?.closed();
        this.onclose?.();
      });
      // One 'error' listener per stream: an EPIPE after the child died must not crash the hub.
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stderr?.on('error', () => {});
      child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
      child.stdout?.on('data', (chunk: Buffer) => this.#lines.push(chunk, this.#lineHandlers));
    });
  }

  readonly #lineHandlers: LineHandlers = {
    message: (message) => this.#deliver(message),
    // A line that is not JSON is a banner or a stray print: skipped, as the SDK's reader does.
    bad: (line: BadLine) => {
      if (line.kind === 'too-long') this.#dropped(line);
      else if (line.kind === 'not-jsonrpc') {
        this.onerror?.(new Error(`not a JSON-RPC message: ${line.text}`));
        // An answer without the JSON-RPC 2.0 envelope (bad input 44): its request fails now, saying why.
        if (line.id !== undefined && line.carries === 'response') this.#fail(line.id, NOT_JSONRPC);
      }
    },
  };

  /** Fails the client's request `id` with an error of the hub's, as if the server had answered with it. */
  #fail(id: RequestId, message: string): void {
    this.#deliver(failedAnswer(id, message));
  }

  /**
   * A message over 10 MiB, dropped unread (the security note's bad input 42). The request it answered
   * fails now, with an error saying why, instead of waiting out its timeout; a request the server made
   * that way (asking for input) is refused, so the server does not wait either.
   */
  #dropped({ id, carries }: BadLine): void {
    this.onerror?.(new Error('a line over 10 MiB from the server was dropped'));
    if (id === undefined) return;
    if (carries === 'response') this.#deliver(tooLargeAnswer(id));
    else this.send(tooLargeRefusal(id)).catch(() => {}); // gone: its exit is seen elsewhere
  }

  /**
   * Hands messages to the client in order, but lets a notification's handler run before the next message:
   * the SDK runs notification handlers a microtask later and responses at once, so progress followed by
   * its response in one chunk would otherwise be dropped (the response ends the request first).
   */
  #deliver(message: JSONRPCMessage): void {
    this.#queue.push(message);
    if (!this.#paused) this.#flush();
  }

  readonly #flush = (): void => {
    this.#paused = false;
    for (let message = this.#queue.shift(); message; message = this.#queue.shift()) {
      if (this.direct?.take(message)) continue;
      try {
        this.onmessage?.(message);
      } catch (error) {
        // What the SDK throws while handling a server's message must not end the hub: a response to an id
        // nobody used, nested too deep, made its error report (which stringifies it) throw a RangeError.
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      }
      if ('method' in message && !('id' in message)) {
        this.#paused = true;
        setImmediate(this.#flush);
        return;
      }
    }
  };

  send(message: JSONRPCMessage): Promise<void> {
    if (!this.#child || !this.#writer) return Promise.reject(new Error('Not connected'));
    return this.#writer.write(message);
  }

  /** Ends stdin, then SIGTERM and finally SIGKILL to the whole process group; resolves once it exited. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#writer?.end();
    if (await exitedWithin(this.#exited, GRACE_MS)) return;
    killGroup(child, 'SIGTERM');
    if (await exitedWithin(this.#exited, TERM_MS)) return;
    killGroup(child, 'SIGKILL');
    await this.#exited;
  }
}

async function exitedWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([exited.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}
