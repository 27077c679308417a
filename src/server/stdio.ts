import { serveStdio as sdkServeStdio } from '@modelcontextprotocol/server/stdio';
import type { Hub } from '../hub.ts';
import { McpFace } from './mcp-server.ts';

/**
 * Serves the hub on this process's stdin/stdout (both protocol eras). Resolves when the client closed
 * stdin. Nothing but MCP messages may be written to stdout while this runs.
 */
export function serveStdio(hub: Hub): Promise<void> {
  const face = new McpFace(hub);
  return new Promise((resolve) => {
    sdkServeStdio(() => face.create(true), {
      onerror: (error) => hub.logger.debug({ err: error.message }, 'stdio message rejected'),
    });
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
}
