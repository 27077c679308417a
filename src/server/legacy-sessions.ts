import { randomUUID } from 'node:crypto';
import {
  isInitializeRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { MAX_LINE_BYTES } from '../protocol/json-lines.ts';
import { isRequestId } from '../protocol/json-shapes.ts';
import { DirectAnswers } from './direct-answers.ts';
import { memoryEventStore } from './event-store.ts';
import { acceptedBySdk, HeldPosts } from './held-posts.ts';
import { preferJson } from './json-response.ts';
import type { McpFace } from './mcp-server.ts';
import { OpenRequests } from './open-requests.ts';

/** A session with no request for this long is closed; its client gets 404 and initialises again. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

/** The SSE `retry` hint: how soon a client whose stream broke should reconnect. */
const RETRY_MS = 1_000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  lastSeen: number;
  /** The client's requests not answered yet (nor cancelled, nor dropped by the client). */
  inFlight: OpenRequests;
  /** Answers plain `tools/call` and list requests beside the SDK. */
  direct: DirectAnswers;
  /** POSTs of those requests, held for a JSON answer. */
  held: HeldPosts;
}

/**
 * 2025-era Streamable HTTP: one transport and one server instance per `Mcp-Session-Id`, minted by the hub on
 * `initialize` and dropped on DELETE, close, or after `idleMs` without a request (so clients that vanish
 * without DELETE do not hold memory forever). A session keeps its instance so list-changed notifications
 * reach the client on its GET stream. A POST whose stream would carry only its response is answered as
 * JSON (`preferJson`).
 */
export class LegacySessions {
  readonly #face: McpFace;
  readonly #sessions = new Map<string, Session>();
  readonly #idleMs: number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(face: McpFace, idleMs = DEFAULT_SESSION_IDLE_MS) {
    this.#face = face;
    this.#idleMs = idleMs;
    this.#sweeper = setInterval(() => this.#closeIdle(), Math.min(60_000, Math.max(10, idleMs / 2))).unref();
  }

  /** `parsedBody`: the POST body, when the caller read it already. */
  async handle(request: Request, parsedBody?: unknown): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId !== null) {
      // The spec's form of a session id (visible ASCII); one of another form was never issued, and
      // re-initialising (the 404 below) would not help a client that garbles it (bad input 15).
      if (!SESSION_ID_FORM.test(sessionId)) {
        return rpcError(400, -32600, 'Bad Request: Mcp-Session-Id must be 1 to 256 visible ASCII characters');
      }
      const session = this.#sessions.get(sessionId);
      // 404 tells the client to initialise again (the spec's answer for an unknown or expired session).
      if (!session) return rpcError(404, -32001, 'Session not found');
      session.lastSeen = Date.now();
      if (request.method !== 'POST') return session.transport.handleRequest(request, { parsedBody });
      // Only 2025-03-26 allowed batches; a later client names its revision in this header on every request.
      if (Array.isArray(parsedBody) && (request.headers.get('mcp-protocol-version') ?? '') >= '2025-06-18') {
        return rpcError(
          400,
          -32600,
          'Invalid Request: JSON-RPC batches are not allowed from revision 2025-06-18 on',
        );
      }
      const reused = trackRequest(session.inFlight, parsedBody, request.signal);
      if (reused !== undefined) {
        return rpcError(
          400,
          -32600,
          `Invalid Request: id ${JSON.stringify(reused)} belongs to a request in flight`,
          reused,
        );
      }
      const toSdk = () => session.transport.handleRequest(request, { parsedBody });
      if (isRequest(parsedBody) && acceptedBySdk(request)) {
        const direct = session.direct.claimable(parsedBody);
        if (direct) {
          const answer = session.held.hold(parsedBody.id, request.signal, toSdk);
          session.direct.answer(parsedBody.id, direct);
          return answer;
        }
      }
      const response = await toSdk();
      // Refused before its server saw it (the Accept, Content-Type or protocol version header): nothing
      // will answer the id, which must not stay in flight, refusing every later request that reuses it.
      if (response.status >= 400 && isRequest(parsedBody)) session.inFlight.close(parsedBody.id);
      return preferJson(response);
    }
    if (request.method === 'GET' || request.method === 'DELETE') {
      return rpcError(400, -32600, 'Bad Request: Mcp-Session-Id header required');
    }
    if (request.method !== 'POST') {
      return new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET, POST, DELETE' } });
    }
    let body = parsedBody;
    try {
      if (body === undefined) body = JSON.parse(await request.text());
    } catch {
      return rpcError(400, -32700, 'Parse error: the body is not valid JSON');
    }
    if (!isInitializeRequest(body)) {
      return rpcError(400, -32600, 'Bad Request: send initialize first, or the Mcp-Session-Id header');
    }
    const inFlight = new OpenRequests();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      maxRequestBodySize: MAX_LINE_BYTES, // as the stdio face's lines (http.ts, MAX_BODY_BYTES)
      // Resumability: streams start with a priming event and a `retry` hint, and a client that lost one
      // reconnects with Last-Event-ID to get what it missed.
      eventStore: memoryEventStore(),
      retryInterval: RETRY_MS,
      onsessioninitialized: (id) =>
        void this.#sessions.set(id, { transport, lastSeen: Date.now(), inFlight, direct, held }),
    });
    const held = routeSends(inFlight, transport);
    const direct = new DirectAnswers(this.#face, {
      send: (message, to) => transport.send(message, { relatedRequestId: to }),
      get sessionId() {
        return transport.sessionId;
      },
    });
    // Set before connect(): the SDK chains an onclose that exists already.
    transport.onclose = () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
      direct.close();
      held.close();
    };
    const server = await this.#face.create(true);
    await server.connect(transport);
    direct.attach(server);
    const toSdk = transport.onmessage;
    transport.onmessage = (message, extra) => {
      // A held POST handed to the transport comes back here; its call runs already.
      if (held.handedOver(message)) return;
      if (!direct.claim(message)) toSdk?.(message, extra);
    };
    return preferJson(await transport.handleRequest(request, { parsedBody: body }));
  }

  #closeIdle(): void {
    const cutoff = Date.now() - this.#idleMs;
    for (const { transport, lastSeen } of this.#sessions.values()) {
      if (lastSeen < cutoff) void transport.close().catch(() => {}); // onclose removes it from the map
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const sessions = [...this.#sessions.values()];
    await Promise.all(sessions.map(({ transport }) => transport.close().catch(() => {})));
    this.#sessions.clear();
  }
}

/** A session id as the spec allows it: visible ASCII (0x21-0x7E); 256 characters is our cap. */
const SESSION_ID_FORM = /^[\x21-\x7e]{1,256}$/;

function rpcError(status: number, code: number, message: string, id: RequestId | null = null): Response {
  return Response.json({ jsonrpc: '2.0', id, error: { code, message } }, { status });
}

/**
 * Counts a POSTed request as in flight until it is answered, cancelled, or its client drops the POST.
 * Returns the id instead when a request with that id is still in flight (the security note's bad input 10):
 * the SDK would map the id to the second POST's stream, and the first would never get its answer.
 */
function trackRequest(inFlight: OpenRequests, body: unknown, signal: AbortSignal): RequestId | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const message = body as { id?: unknown; method?: unknown };
  const id = message.id;
  if (typeof message.method !== 'string') return undefined;
  if (typeof id !== 'string' && typeof id !== 'number') {
    inFlight.received(body as JSONRPCMessage); // a notification: a cancellation closes its request
    return undefined;
  }
  if (inFlight.has(id)) return id;
  inFlight.received(body as JSONRPCMessage);
  signal.addEventListener('abort', () => inFlight.close(id), { once: true });
  return undefined;
}

/**
 * Everything the session sends passes here: a response takes its request out of `inFlight`, and the first
 * message for a held POST answers it (see `HeldPosts`) instead of going to the transport.
 */
function routeSends(inFlight: OpenRequests, transport: WebStandardStreamableHTTPServerTransport): HeldPosts {
  const send = transport.send.bind(transport);
  const held = new HeldPosts(send, () => transport.sessionId);
  transport.send = (message: JSONRPCMessage, options) => {
    inFlight.sent(message);
    return held.take(message, options?.relatedRequestId) ? Promise.resolve() : send(message, options);
  };
  return held;
}

/** One JSON-RPC request, with the id the SDK's schema takes (a string or an integer). */
function isRequest(body: unknown): body is JSONRPCRequest {
  if (typeof body !== 'object' || body === null) return false;
  const { jsonrpc, id, method } = body as Partial<JSONRPCRequest>;
  return jsonrpc === '2.0' && typeof method === 'string' && isRequestId(id);
}
