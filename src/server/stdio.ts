import { PassThrough } from 'node:stream';
import { StdioServerTransport, serveStdio as sdkServeStdio } from '@modelcontextprotocol/server/stdio';
import type { Hub } from '../hub.ts';
import { McpFace } from './mcp-server.ts';

/**
 * Serves the hub on this process's stdin/stdout (both protocol eras). Resolves when the client closed stdin
 * and every request it sent has been answered. Nothing but MCP messages may be written to stdout meanwhile.
 */
export function serveStdio(hub: Hub): Promise<void> {
  const face = new McpFace(hub);
  // The SDK transport aborts requests still in flight when stdin ends. A client that writes its requests and
  // closes stdin (a script, `printf ... |`) still deserves its answers, so the end of input is passed on to
  // the transport only once the face is idle.
  const input = new PassThrough();
  process.stdin.pipe(input, { end: false });
  return new Promise((resolve) => {
    process.stdin.once('end', () => {
      // One macrotask first, so the last message's handler has started before idleness is checked.
      setImmediate(
        () =>
          void face.idle().then(() => {
            input.end();
            resolve();
          }),
      );
    });
    sdkServeStdio(() => face.create(true), {
      transport: new StdioServerTransport(input, process.stdout),
      onerror: (error) => hub.logger.debug({ err: error.message }, 'stdio message rejected'),
    });
  });
}
