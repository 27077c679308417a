import { randomUUID } from 'node:crypto';
import { isInitializeRequest, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { McpFace } from './mcp-server.ts';

/**
 * 2025-era Streamable HTTP: one transport and one server instance per `Mcp-Session-Id`, minted by the hub on
 * `initialize` and dropped on DELETE or close. A session keeps its instance so list-changed notifications
 * reach the client on its GET stream.
 */
export class LegacySessions {
  readonly #face: McpFace;
  readonly #sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();

  constructor(face: McpFace) {
    this.#face = face;
  }

  get size(): number {
    return this.#sessions.size;
  }

  async handle(request: Request): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId !== null) {
      const transport = this.#sessions.get(sessionId);
      // 404 tells the client to initialise again (the spec's answer for an unknown or expired session).
      return transport ? transport.handleRequest(request) : rpcError(404, -32001, 'Session not found');
    }
    const body = request.method === 'POST' ? await request.json().catch(() => undefined) : undefined;
    if (!isInitializeRequest(body)) {
      return rpcError(400, -32600, 'Bad Request: send initialize first, or the Mcp-Session-Id header');
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => void this.#sessions.set(id, transport),
    });
    // Set before connect(): the SDK chains an onclose that exists already.
    transport.onclose = () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
    };
    await this.#face.create(true).connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((transport) => transport.close().catch(() => {})));
    this.#sessions.clear();
  }
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', id: null, error: { code, message } }, { status });
}
