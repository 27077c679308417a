/**
 * The load driver's MCP client: the SDK v2 client over stdio (spawning the server), Streamable HTTP or
 * legacy SSE, the way an AI host would connect.
 */
import {
  Client,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

export type Endpoint =
  | {
      kind: 'stdio';
      command: string;
      args: string[];
      cwd?: string;
      /** `legacy` (default): the plain 2025-11-25 handshake; `modern`: `versionNegotiation: auto`. */
      era?: 'legacy' | 'modern';
    }
  | {
      kind: 'http';
      url: string;
      /** `legacy` (default, the SDK default): 2025-11-25 with a session; `modern`: 2026-07-28, stateless. */
      era?: 'legacy' | 'modern';
    }
  | { kind: 'sse'; url: string };

export interface Connection {
  client: Client;
  /** The spawned server's pid (stdio endpoints only). */
  pid: number | undefined;
  close(): Promise<void>;
}

export async function connect(endpoint: Endpoint, name = 'bench'): Promise<Connection> {
  const modern = endpoint.kind !== 'sse' && endpoint.era === 'modern';
  const client = new Client(
    { name, version: '1.0.0' },
    { capabilities: {}, versionNegotiation: { mode: modern ? 'auto' : 'legacy' } },
  );
  let transport: Transport;
  let stdio: StdioClientTransport | undefined;
  let http: StreamableHTTPClientTransport | undefined;
  if (endpoint.kind === 'stdio') {
    stdio = new StdioClientTransport({
      command: endpoint.command,
      args: endpoint.args,
      cwd: endpoint.cwd,
      stderr: 'ignore',
    });
    transport = stdio;
  } else if (endpoint.kind === 'http') {
    http = new StreamableHTTPClientTransport(new URL(endpoint.url));
    transport = http;
  } else {
    transport = new SSEClientTransport(new URL(endpoint.url));
  }
  await client.connect(transport);
  return {
    client,
    pid: stdio?.pid ?? undefined,
    async close() {
      // A 2025-era session stays on the server until DELETE; end it so sessions do not pile up.
      if (http?.sessionId) await http.terminateSession().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}
