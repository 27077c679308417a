import {
  type CallToolRequestParams,
  type CallToolResult,
  type InputRequiredResult,
  type InputResponses,
  isInputRequiredResult,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
  type Result,
  type Server,
} from '@modelcontextprotocol/server';
import { type InputRequest, MAX_OPEN_INPUT_REQUESTS, TOO_MANY_INPUT_REQUESTS } from '../pipeline/call.ts';
import { isJsonObject } from '../protocol/json-shapes.ts';
import { LIST_METHODS, type ListMethod } from './list-pages.ts';
import type { McpFace } from './mcp-server.ts';
import { pushInput } from './push-input.ts';
import type { RequestContext } from './request-context.ts';
import { toWireError } from './wire-errors.ts';

/** The params of a plain 2025-era `tools/call`; one with other keys (a task, say) takes the SDK's path. */
const PLAIN_KEYS = new Set(['name', 'arguments', '_meta']);
/** The params of a plain list request. */
const PLAIN_LIST_KEYS = new Set(['cursor', '_meta']);
/** As the SDK's legacy shim: rounds of input one call may ask for. */
const MAX_INPUT_ROUNDS = 8;
/** A round that carries only a `requestState` is retried after this pause, as the SDK's shim does. */
const STATE_ONLY_PAUSE_MS = 250;

/** The connection a direct answer goes out on: stdio, or one 2025-era HTTP session. */
export interface CallLink {
  /** Sends what belongs to request `to`: its answer, its progress and log messages, its input requests. */
  send(message: JSONRPCMessage, to: RequestId): Promise<void>;
  /** The HTTP session, which names the client for affinity and per-client limits. */
  readonly sessionId?: string;
}

/** A request answered here: a plain `tools/call`, or a plain list request (its cursor, if any). */
export type DirectRequest =
  | { readonly method: 'tools/call'; readonly params: CallToolRequestParams }
  | { readonly method: ListMethod; readonly cursor: string | undefined };

/**
 * `tools/call` and the list requests on a 2025-era connection (stdio, or an HTTP session), answered without
 * the SDK's request handling; every other message (and one on a 2026-era connection, or with unusual
 * params) goes to the SDK as before. Why: per call, the SDK's server validates the request twice and the
 * result once with zod and builds a context of a dozen closures, a third of the hub's allocations (`npm run
 * bench:alloc`) and the largest share of its CPU after the pipe writes. A proxy forwards a result it did
 * not make; the client validates it anyway. A list of 500 tools through the SDK is serialised twice and
 * parsed once on an HTTP session (as an event, then read back by `preferJson`); here it is serialised once.
 *
 * The call takes the same path as through the SDK (`McpFace.callTool`, with a context built here), and a
 * list the same answer (`McpFace.list`); an upstream's requests for input are pushed to the client at
 * once, as on every 2025-era connection. An upstream's own `input_required` result (a 2026-era server's)
 * is answered as the SDK's legacy shim does: each request pushed to the client, the call resumed with the
 * answers.
 */
export class DirectAnswers {
  readonly #face: McpFace;
  readonly #link: CallLink;
  #server: Server | undefined;
  /** The method of the connection's first request: `initialize` pins the 2025 era. */
  #opening: string | undefined;
  readonly #calls = new Map<RequestId, AbortController>();

  constructor(face: McpFace, link: CallLink) {
    this.#face = face;
    this.#link = link;
  }

  /** The connection's server, once the SDK has made it. */
  attach(server: Server): void {
    this.#server = server;
  }

  /**
   * Offered every message the client sends before the SDK sees it.
   * @returns true when the message is answered here and must not reach the SDK
   */
  claim(message: JSONRPCMessage): boolean {
    if (!('method' in message)) return false;
    if (!('id' in message)) {
      if (message.method === 'notifications/cancelled') {
        const { requestId, reason } = (message.params ?? {}) as { requestId?: RequestId; reason?: string };
        if (requestId !== undefined) this.#calls.get(requestId)?.abort(reason);
      }
      return false;
    }
    this.#opening ??= message.method;
    const request = this.claimable(message);
    if (!request) return false;
    this.answer(message.id, request);
    return true;
  }

  /** Answers request `id`, as {@link claimable} read it. */
  answer(id: RequestId, request: DirectRequest): void {
    if (this.#server) void this.#answer(this.#server, id, request);
  }

  /** A request {@link claim} answers here, or undefined for one it leaves to the SDK. */
  claimable(message: JSONRPCRequest): DirectRequest | undefined {
    if (this.#opening !== 'initialize' || !this.#server?.getClientCapabilities()) return undefined;
    const { method } = message;
    if (method === 'tools/call') {
      const params = plainCall(message.params);
      return params && { method, params };
    }
    if (!isListMethod(method)) return undefined;
    const cursor = plainListCursor(message.params);
    return cursor === false ? undefined : { method, cursor };
  }

  /** The connection closed: its calls in flight are cancelled, as the SDK does with its own. */
  close(): void {
    for (const controller of this.#calls.values()) controller.abort(new Error('Connection closed'));
  }

  async #answer(server: Server, id: RequestId, request: DirectRequest): Promise<void> {
    const controller = new AbortController();
    this.#calls.set(id, controller);
    let answer: JSONRPCMessage;
    try {
      let result: Result;
      if (request.method === 'tools/call') {
        const { params } = request;
        const called = await this.#call({ server, id, params, signal: controller.signal });
        result = called.content === undefined ? { ...called, content: [] } : called;
      } else {
        result = await this.#face.list(request.method, request.cursor, server.getClientVersion()?.name);
      }
      answer = { jsonrpc: '2.0', id, result };
    } catch (error) {
      const { code, message, data } = toWireError(error);
      // -32002 (resource not found) is spelled -32602 on this era's wire, as the SDK's codec does.
      const wireCode = code === -32002 ? -32602 : code;
      answer = {
        jsonrpc: '2.0',
        id,
        error: { code: wireCode, message, ...(data !== undefined && { data }) },
      };
    } finally {
      this.#calls.delete(id);
    }
    if (controller.signal.aborted) return; // a cancelled request is not answered (the SDK does the same)
    await this.#link.send(answer, id).catch(() => {}); // the client is gone: nothing left to tell it
  }

  /** Runs the call, answering each round of input it asks for by pushing the requests to the client. */
  async #call(call: DirectCall): Promise<CallToolResult> {
    const { server, params } = call;
    let result = await this.#face.callTool(server, params, this.#context(call));
    for (let round = 1; isInputRequiredResult(result); round += 1) {
      if (round > MAX_INPUT_ROUNDS)
        return failed(`${params.name} asked for input more than ${MAX_INPUT_ROUNDS} times`);
      const responses = await this.#fulfil(call, result);
      if (typeof responses === 'string') return failed(responses);
      const state = typeof result.requestState === 'string' ? result.requestState : undefined;
      result = await this.#face.callTool(server, params, this.#context(call, responses, state));
    }
    return result;
  }

  /** The input one round asks for, from the client; a string says why it could not be had. */
  async #fulfil(call: DirectCall, round: InputRequiredResult): Promise<InputResponses | string | undefined> {
    const requests = Object.entries(round.inputRequests ?? {});
    if (requests.length > MAX_OPEN_INPUT_REQUESTS) {
      return `Fulfilling input required by 'tools/call' failed: ${call.params.name} asked for ${requests.length} inputs at once; ${TOO_MANY_INPUT_REQUESTS}`;
    }
    if (requests.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, STATE_ONLY_PAUSE_MS));
      return undefined;
    }
    try {
      const answers = await Promise.all(
        requests.map(async ([key, request]) => [
          key,
          await pushInput(call.server, call.id, request as InputRequest, call.signal),
        ]),
      );
      return Object.fromEntries(answers) as InputResponses;
    } catch (error) {
      if (call.signal.aborted) throw error;
      return `Fulfilling input required by 'tools/call' failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** The request context `McpFace.callTool` reads, for a 2025-era connection (no envelope). */
  #context(call: DirectCall, inputResponses?: InputResponses, requestState?: string): RequestContext {
    const { server, id } = call;
    return {
      sessionId: this.#link.sessionId,
      mcpReq: {
        id,
        signal: call.signal,
        _meta: call.params._meta,
        envelope: undefined,
        inputResponses,
        requestState: (() => requestState) as RequestContext['mcpReq']['requestState'],
        notify: (notification) => {
          // The SDK sends log messages only when the hub declared logging; so does this.
          if (notification.method === 'notifications/message' && !server.getCapabilities().logging) {
            return Promise.resolve();
          }
          return this.#link.send({ jsonrpc: '2.0', ...notification } as JSONRPCMessage, id);
        },
      },
    };
  }
}

/** One call answered here: the connection's server, the client's request, and its cancellation. */
interface DirectCall {
  readonly server: Server;
  readonly id: RequestId;
  readonly params: CallToolRequestParams;
  readonly signal: AbortSignal;
}

/** A tool result that says the call failed (what the SDK's shim answers when input cannot be had). */
function failed(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** `params` as a plain call (a name, maybe arguments and `_meta`), or undefined for anything else. */
function plainCall(params: unknown): CallToolRequestParams | undefined {
  if (!isJsonObject(params) || typeof params.name !== 'string') return undefined;
  for (const key in params) if (!PLAIN_KEYS.has(key)) return undefined;
  if (params.arguments !== undefined && !isJsonObject(params.arguments)) return undefined;
  if (params._meta !== undefined) {
    if (!isJsonObject(params._meta)) return undefined;
    const token = params._meta.progressToken;
    if (token !== undefined && typeof token !== 'string' && typeof token !== 'number') return undefined;
  }
  return params as CallToolRequestParams;
}

/**
 * The cursor of plain list params (none, or only a string `cursor` and an object `_meta`): a string,
 * undefined for the first page, or false for params the SDK should judge.
 */
function plainListCursor(params: unknown): string | undefined | false {
  if (params === undefined) return undefined;
  if (!isJsonObject(params)) return false;
  for (const key in params) if (!PLAIN_LIST_KEYS.has(key)) return false;
  if (params._meta !== undefined && !isJsonObject(params._meta)) return false;
  const { cursor } = params;
  return cursor === undefined || typeof cursor === 'string' ? cursor : false;
}

function isListMethod(method: string): method is ListMethod {
  return (LIST_METHODS as readonly string[]).includes(method);
}
