import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/server';

/**
 * The requests one client connection has sent and not yet had answered, as both faces need them: the
 * stdio face to close only once everything read is answered, both to refuse an id reused while its request
 * is in flight (the SDK would overwrite the first one's state, and it would never be answered).
 */
export class OpenRequests {
  readonly #ids = new Set<RequestId>();

  has(id: RequestId): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }

  /**
   * Notes a message the client sent: a request opens its id (not a `subscriptions/listen` stream, answered
   * only when it ends), a cancellation closes the request it names (the SDK answers nothing to it).
   * @returns true when a request was closed
   */
  received(message: JSONRPCMessage): boolean {
    if (!('method' in message)) return false;
    if ('id' in message) {
      if (message.method !== 'subscriptions/listen') this.#ids.add(message.id);
      return false;
    }
    if (message.method !== 'notifications/cancelled') return false;
    const cancelled = (message.params as { requestId?: RequestId } | undefined)?.requestId;
    return cancelled !== undefined && this.close(cancelled);
  }

  /**
   * Notes a message sent to the client: a response closes its request.
   * @returns true when a request was closed
   */
  sent(message: JSONRPCMessage): boolean {
    return !('method' in message) && 'id' in message && message.id !== undefined && this.close(message.id);
  }

  /** Closes a request the client gave up on (it dropped the HTTP request). */
  close(id: RequestId): boolean {
    return this.#ids.delete(id);
  }
}
