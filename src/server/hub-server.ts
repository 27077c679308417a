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
 * -32602 (Invalid params) naming each bad field, as JSON-RPC asks. The SDK answers that -32602 for
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
        throw error instanceof ProtocolError ? error : invalidParams(method, error);
      }
    };
    return super._wrapHandler(method, checked);
  }
}

/** -32602 for `method`, with zod's issues (when the message is their JSON) as `path: message` lines. */
function invalidParams(method: string, error: unknown): ProtocolError {
  const text = error instanceof Error ? error.message : String(error);
  let detail = text;
  try {
    const issues = JSON.parse(text) as { path?: unknown[]; message?: string }[];
    if (Array.isArray(issues) && issues.length > 0) {
      detail = issues
        .map(
          (issue) => `${(issue.path ?? []).map(String).join('.') || 'params'}: ${issue.message ?? 'invalid'}`,
        )
        .join('; ');
    }
  } catch {
    // Not zod's list: its message as it is.
  }
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid params for ${method}: ${detail}`);
}
