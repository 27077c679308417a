import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Client,
  type LoggingMessageNotificationParams,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/client';
import type { Logger } from '../observability/logger.ts';
import type { CallOrigin, InputRequest } from '../pipeline/call.ts';

/** Which caller a message from an upstream belongs to, when it arrives inside that caller's request. */
const callerContext = new AsyncLocalStorage<CallOrigin>();

const CAPABILITY_FOR = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
} as const;

/** Where messages no call can be named for go. */
export interface RelayOutlets {
  log(params: LoggingMessageNotificationParams): void;
  resourceUpdated(uri: string): void;
}

/**
 * What one upstream server sends besides responses, routed to the caller it belongs to: its requests for
 * input (sampling, elicitation, roots) go to the client of the call that caused them, its log messages to
 * that caller or, when none can be named, out through `outlets`, and resource updates out as well. The
 * connection is shared by every downstream client, so the relay tracks which callers have requests in flight.
 */
export class CallerRelay {
  readonly #server: string;
  readonly #logger: Logger;
  readonly #outlets: RelayOutlets;
  /** Callers with a request in flight here, oldest first (attribution over stdio, see `#callerFor`). */
  readonly #callers = new Map<CallOrigin, number>();

  constructor(server: string, logger: Logger, outlets: RelayOutlets) {
    this.#server = server;
    this.#logger = logger;
    this.#outlets = outlets;
  }

  /** Installs the handlers on a freshly connected client (after every reconnect). */
  wire(client: Client): void {
    const ask = (request: InputRequest, signal: AbortSignal) => this.#askCaller(request, signal);
    client.setRequestHandler('sampling/createMessage', (request, ctx) =>
      ask({ method: 'sampling/createMessage', params: request.params }, ctx.mcpReq.signal),
    );
    client.setRequestHandler('elicitation/create', (request, ctx) =>
      ask({ method: 'elicitation/create', params: request.params }, ctx.mcpReq.signal),
    );
    client.setRequestHandler('roots/list', (request, ctx) =>
      ask({ method: 'roots/list', params: request.params }, ctx.mcpReq.signal),
    );
    client.setNotificationHandler('notifications/message', (notification) => {
      const params = { ...notification.params, logger: this.#loggerName(notification.params.logger) };
      const caller = this.#callerFor();
      if (caller) caller.log(params);
      else this.#outlets.log(params);
    });
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      this.#outlets.resourceUpdated(notification.params.uri);
    });
  }

  /** Runs `send` as a request of `origin`: counted in flight, and the caller of whatever arrives inside it. */
  async track<T>(origin: CallOrigin | undefined, send: () => Promise<T>): Promise<T> {
    if (!origin) return send();
    this.#callers.set(origin, (this.#callers.get(origin) ?? 0) + 1);
    try {
      return await callerContext.run(origin, send);
    } finally {
      const left = (this.#callers.get(origin) ?? 1) - 1;
      if (left === 0) this.#callers.delete(origin);
      else this.#callers.set(origin, left);
    }
  }

  /** Log messages say which server they came from: `<server>` or `<server>/<logger>`. */
  #loggerName(logger: string | undefined): string {
    return logger ? `${this.#server}/${logger}` : this.#server;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the answer is the client's result, relayed as it is
  async #askCaller(request: InputRequest, signal: AbortSignal): Promise<any> {
    const needs = CAPABILITY_FOR[request.method];
    const caller = this.#callerFor(needs);
    if (!caller) {
      throw new ProtocolError(
        ProtocolErrorCode.MethodNotFound,
        `no client is waiting on "${this.#server}" to answer ${request.method} (the hub asks only the client of the call that needs it)`,
      );
    }
    if (!(needs in caller.capabilities)) {
      throw new ProtocolError(
        ProtocolErrorCode.MethodNotFound,
        `the client of this call did not declare the ${needs} capability, so it cannot answer ${request.method}`,
      );
    }
    return caller.ask(request, signal);
  }

  /**
   * The caller a message from this server belongs to. Over HTTP it arrives inside the request it belongs
   * to. Over stdio nothing says which request caused it: with one caller in flight it is that one; with
   * several, the oldest that can serve the request (`needs`), a guess that is logged.
   */
  #callerFor(needs?: keyof CallOrigin['capabilities']): CallOrigin | undefined {
    const inContext = callerContext.getStore();
    if (inContext) return inContext;
    if (this.#callers.size <= 1) return this.#callers.keys().next().value;
    if (!needs) return undefined;
    const caller = [...this.#callers.keys()].find((candidate) => needs in candidate.capabilities);
    this.#logger.debug(
      { callers: this.#callers.size },
      'request for input attributed to the oldest capable call',
    );
    return caller;
  }
}
