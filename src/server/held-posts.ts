import {
  isJsonContentType,
  type JSONRPCMessage,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';
import { messageBody } from '../protocol/reused-results.ts';
import { JSON_WAIT_MS } from './json-response.ts';

type Send = (message: JSONRPCMessage, options?: TransportSendOptions) => Promise<void>;

interface Held {
  resolve(response: Response): void;
  /** The POST as the SDK's transport answers it: an event stream this request's messages go to. */
  toSdk(): Promise<Response>;
  timer: NodeJS.Timeout;
  /** Messages for the request while it is handed to the SDK; set once that starts. */
  queued?: JSONRPCMessage[];
}

/**
 * A 2025-era session's POST of one `tools/call` or list request that `DirectAnswers` answers, held until
 * the first message for its request: if that is the response, it is the POST's JSON body, and the SDK's
 * transport never sees the request. Through the transport the same call cost the hub twice the CPU (0.95 against 0.47 ms at 16
 * in flight, docs/benchmarks.md): its checks and zod parses, an event stream with its priming event and
 * keep-alive timer, and `preferJson` reading that stream back into JSON.
 *
 * When a progress notification, log message or request for input comes first, or nothing comes for
 * `waitMs`, the POST goes to the transport after all (`toSdk`), which streams it as before; what came first
 * is sent on that stream, in order, and the call's later messages take the transport's path. Only a POST
 * the transport would accept is held ({@link acceptedBySdk}), so every refusal stays the SDK's.
 */
export class HeldPosts {
  readonly #held = new Map<RequestId, Held>();
  readonly #send: Send;
  readonly #sessionId: () => string | undefined;
  readonly #waitMs: number;

  /** `send`: the transport's own send, for messages of a request it now streams. */
  constructor(send: Send, sessionId: () => string | undefined, waitMs = JSON_WAIT_MS) {
    this.#send = send;
    this.#sessionId = sessionId;
    this.#waitMs = waitMs;
  }

  /** Holds the POST of request `id` until its first message; `signal` is the POST's. */
  hold(id: RequestId, signal: AbortSignal, toSdk: () => Promise<Response>): Promise<Response> {
    return new Promise<Response>((resolve) => {
      const held: Held = {
        resolve,
        toSdk,
        timer: setTimeout(() => void this.#toSdk(id, held), this.#waitMs),
      };
      this.#held.set(id, held);
      // The client dropped the POST: the transport takes it, as it did every POST before.
      signal.addEventListener('abort', () => void this.#toSdk(id, held), { once: true });
    });
  }

  /**
   * Offered every message the session sends, with the request it belongs to.
   * @returns true when it was the first message of a held POST (or came while that POST is handed over)
   */
  take(message: JSONRPCMessage, relatedRequestId: RequestId | undefined): boolean {
    const response = !('method' in message) && 'id' in message;
    const id = response ? message.id : relatedRequestId;
    const held = id === undefined ? undefined : this.#held.get(id);
    if (id === undefined || !held) return false;
    if (held.queued) held.queued.push(message);
    else if (response) {
      this.#release(id, held);
      const sessionId = this.#sessionId();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (sessionId !== undefined) headers['mcp-session-id'] = sessionId;
      held.resolve(new Response(messageBody(message), { status: 200, headers }));
    } else void this.#toSdk(id, held, message);
    return true;
  }

  /** True for the request of a POST on its way to the transport: it is answered here already. */
  handedOver(message: JSONRPCMessage): boolean {
    return 'method' in message && 'id' in message && this.#held.get(message.id)?.queued !== undefined;
  }

  /** The session closed: what is held goes to the transport, which answers that the session is gone. */
  close(): void {
    for (const [id, held] of this.#held) void this.#toSdk(id, held);
  }

  async #toSdk(id: RequestId, held: Held, first?: JSONRPCMessage): Promise<void> {
    if (held.queued || this.#held.get(id) !== held) return; // on its way to the SDK, or answered
    clearTimeout(held.timer);
    held.queued = first ? [first] : [];
    let response: Response;
    try {
      response = await held.toSdk();
      // The transport now knows the request and streams it: what came meanwhile goes there, in order.
      for (const message of held.queued) await this.#send(message, { relatedRequestId: id }).catch(() => {});
    } catch (error) {
      response = Response.json(
        { jsonrpc: '2.0', id, error: { code: -32603, message: `Internal error: ${String(error)}` } },
        { status: 500 },
      );
    } finally {
      this.#release(id, held);
    }
    held.resolve(response);
  }

  #release(id: RequestId, held: Held): void {
    clearTimeout(held.timer);
    if (this.#held.get(id) === held) this.#held.delete(id);
  }
}

/**
 * True when the SDK's transport would take this POST as it is (its 406, 415 and 400 checks, in its order),
 * so holding it changes no answer. The transport checks the protocol version against its server's list,
 * which is the SDK's own: `McpFace` sets none.
 */
export function acceptedBySdk(request: Request): boolean {
  const accept = request.headers.get('accept');
  if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return false;
  if (!isJsonContentType(request.headers.get('content-type'))) return false;
  const version = request.headers.get('mcp-protocol-version');
  return version === null || SUPPORTED_PROTOCOL_VERSIONS.includes(version);
}
