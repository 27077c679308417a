import { INVALID_REQUEST, type JSONRPCMessage } from '@modelcontextprotocol/server';
import { namesProtocolVersion } from './era-claim.ts';

/** What a request made too early is told. */
export const NOT_INITIALIZED =
  'Invalid Request: not initialized; send initialize first (or name the protocol version in _meta)';

/**
 * Keeps a stdio client from making requests before it has said which protocol era it speaks (the security
 * note's bad input 14). A 2025-era client starts with `initialize`; a 2026-era one names the protocol
 * version in each request's `_meta` and needs no handshake. A request with neither, before `initialize`,
 * gets -32600 "not initialized"; only `ping` may come first, as the 2025 spec allows. The SDK's
 * `serveStdio` would take such a request as opening a 2025-era connection and answer it, handshake or not
 * (the HTTP face refuses it: 400 "send initialize first").
 *
 * A request that names a version is left to the SDK, which checks the envelope. Whether the SDK has taken
 * the connection for the 2026 era does not open it: a `server/discover` probe or a request with a broken
 * envelope leaves the SDK ready to fall back to the 2025 era, where it would serve the next request
 * without a handshake; and on a 2026-era connection a request without the envelope is wrong all the same.
 */
export class StdioHandshake {
  /** Set by `initialize`: the 2025 era's handshake has begun, and every request goes on. */
  #opened = false;

  /**
   * Offered every message before anything else sees it.
   * @returns true when the message is a request made too early, answered here through `send`
   */
  claim(message: JSONRPCMessage, send: (answer: JSONRPCMessage) => Promise<void>): boolean {
    if (this.#opened || !('method' in message) || !('id' in message)) return false;
    if (message.method === 'ping' || namesProtocolVersion(message.params)) return false;
    if (message.method === 'initialize') {
      this.#opened = true;
      return false;
    }
    send({
      jsonrpc: '2.0',
      id: message.id,
      error: { code: INVALID_REQUEST, message: NOT_INITIALIZED },
    }).catch(
      () => {}, // the client is gone; the wire reports that itself
    );
    return true;
  }
}
