import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { serveStdio as sdkServeStdio } from '@modelcontextprotocol/server/stdio';
import type { Hub } from '../hub.ts';
import { DirectAnswers } from './direct-answers.ts';
import { McpFace } from './mcp-server.ts';
import { StdioHandshake } from './stdio-handshake.ts';
import { StdioWire } from './stdio-wire.ts';

/** Another connection than this process's stdin/stdout (tests serve many in one process, on one face). */
export interface StdioConnection {
  input: Readable;
  output: Writable;
  face: McpFace;
}

/**
 * Serves the hub on one stdio connection: this process's stdin/stdout unless given another (both
 * protocol eras: the SDK's `serveStdio` pins each connection to the era its first message speaks; a
 * request before either era's opening is refused by `StdioHandshake`; a 2025-era `tools/call` or list
 * request is answered by `DirectAnswers` without the SDK). Resolves when the client closed its
 * input and every request it sent has been answered, or when the output failed. Nothing but MCP messages may
 * be written to the output meanwhile.
 */
export function serveStdio(hub: Hub, connection?: StdioConnection): Promise<void> {
  const face = connection?.face ?? new McpFace(hub);
  const wire = new StdioWire(connection?.input, connection?.output);
  const handshake = new StdioHandshake();
  const send = (message: JSONRPCMessage) => wire.send(message);
  const direct = new DirectAnswers(face, { send });
  wire.claim = (message) => handshake.claim(message, send) || direct.claim(message);
  sdkServeStdio(
    async () => {
      const server = await face.create(true);
      direct.attach(server);
      return server;
    },
    {
      transport: wire,
      onerror: (error) => hub.logger.debug({ err: error.message }, 'stdio message rejected'),
    },
  );
  return wire.closed.then(() => direct.close());
}
