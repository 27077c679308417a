import { serveStdio as sdkServeStdio } from '@modelcontextprotocol/server/stdio';
import type { Hub } from '../hub.ts';
import { McpFace } from './mcp-server.ts';
import { StdioWire } from './stdio-wire.ts';

/**
 * Serves the hub on this process's stdin/stdout (both protocol eras: the SDK's `serveStdio` pins each
 * connection to the era its first message speaks). Resolves when the client closed stdin and every request
 * it sent has been answered, or when stdout failed. Nothing but MCP messages may be written to stdout
 * meanwhile.
 */
export function serveStdio(hub: Hub): Promise<void> {
  const face = new McpFace(hub);
  const wire = new StdioWire();
  sdkServeStdio(() => face.create(true), {
    transport: wire,
    onerror: (error) => hub.logger.debug({ err: error.message }, 'stdio message rejected'),
  });
  return wire.closed;
}
