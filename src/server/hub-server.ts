import {
  type JSONRPCRequest,
  ProtocolError,
  ProtocolErrorCode,
  type Result,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';

type Handler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The SDK's `Server`, with one fix: a request whose params do not fit its method's schema is answered
 * -32602 (Invalid params) naming each bad field, as JSON-RPC asks, in words rather than a schema dump. The SDK answers that -32602 for
 * `tools/call` only; for every other method it throws a plain `Error` whose message is zod's issue list as
 * JSON, which goes out as -32603 (Internal error): a client that sent `prompts/get` without a name, or a
 * cursor that is not a string, was told the hub failed.
 *
 * `_wrapHandler` is the SDK's hook for this (it wraps each registered handler). The handler it is given
 * checks the params synchronously before calling ours, and ours are async: a synchronous throw that is not
 * already a `ProtocolError` is that check failing. Should the SDK ever check asynchronously, its errors
 * pass through as they did before.
 */
export class HubServer extends Server {
  protected override _wrapHandler(method: string, handler: Handler): Handler {
    const checked: Handler = (request, ctx) => {
      try {
        return handler(request, ctx);
      } catch (error) {
        throw error instanceof ProtocolError
          ? error
          : new ProtocolError(
              ProtocolErrorCode.InvalidParams,
              `Invalid params for ${method}: ${readable(error)}`,
            );
      }
    };
    const wrapped = super._wrapHandler(method, checked);
    if (method !== 'tools/call') return wrapped;
    // The SDK checks `tools/call` itself, with the right code but zod's issue list as JSON for a message.
    return (request, ctx) =>
      wrapped(request, ctx).catch((error: unknown) => {
        if (!(error instanceof ProtocolError) || error.code !== ProtocolErrorCode.InvalidParams) throw error;
        const split = /^([^[]*?): (\[[\s\S]*\])$/.exec(error.message);
        throw split ? new ProtocolError(error.code, `${split[1]}: ${readable(split[2])}`, error.data) : error;
      });
  }
}

/** zod's issues, when `error` (or its message) is their JSON, as `path: message` parts; else the message. */
function readable(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  try {
    const issues = JSON.parse(text) as { path?: unknown[]; message?: string }[];
    if (!Array.isArray(issues) || issues.length === 0) return text;
    return issues
      .map(
        (issue) => `${(issue.path ?? []).map(String).join('.') || 'params'}: ${issue.message ?? 'invalid'}`,
      )
      .join('; ');
  } catch {
    return text; // not zod's list: the message as it is
  }
}
