import { PassThrough } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
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
  // the transport only once every request read so far has been answered.
  const input = new PassThrough();
  process.stdin.pipe(input, { end: false });
  const transport = new StdioServerTransport(input, process.stdout);
  const answered = countAnswers(transport);
  return new Promise((resolve) => {
    process.stdin.once('end', () => {
      void answered().then(() => {
        input.end();
        resolve();
      });
    });
    sdkServeStdio(() => face.create(true), {
      transport,
      onerror: (error) => hub.logger.debug({ err: error.message }, 'stdio message rejected'),
    });
  });
}

/**
 * Watches the requests that come in on `transport` and the responses that go out. The returned function
 * resolves once every request seen so far has had its response written. (Shape checks, not the SDK's zod
 * guards: this runs on every message.)
 */
function countAnswers(transport: StdioServerTransport): () => Promise<void> {
  const open = new Set<unknown>();
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (open.size > 0) return;
    for (const resolve of waiters) resolve();
    waiters = [];
  };
  // The SDK assigns `onmessage` after construction: wrap whatever it assigns.
  let deliver: ((message: JSONRPCMessage) => void) | undefined;
  Object.defineProperty(transport, 'onmessage', {
    get: () => (message: JSONRPCMessage) => {
      if ('method' in message && 'id' in message) open.add(message.id);
      deliver?.(message);
    },
    set: (handler: ((message: JSONRPCMessage) => void) | undefined) => {
      deliver = handler;
    },
  });
  const send = transport.send.bind(transport);
  transport.send = async (message) => {
    await send(message);
    if (!('method' in message) && 'id' in message) {
      open.delete(message.id);
      settle();
    }
  };
  return () =>
    new Promise((resolve) => {
      waiters.push(resolve);
      settle();
    });
}
