import type { RequestId, Result, Server } from '@modelcontextprotocol/server';
import {
  type CallOrigin,
  type InputRequest,
  MAX_OPEN_INPUT_REQUESTS,
  TOO_MANY_INPUT_REQUESTS,
} from '../pipeline/call.ts';

/** As the SDK's legacy shim: how long the client may take over one request for input. */
const INPUT_TIMEOUT_MS = 600_000;

/**
 * Sends an upstream's request for input to a 2025-era client on its own connection, with the server's
 * public senders; over HTTP it goes on the stream of the call's request (`relatedRequestId`), as the SDK's
 * own do. `signal` withdraws it.
 */
export function pushInput(
  server: Server,
  relatedRequestId: RequestId,
  request: InputRequest,
  signal: AbortSignal,
): Promise<Result> {
  const options = { signal, timeout: INPUT_TIMEOUT_MS, resetTimeoutOnProgress: true, relatedRequestId };
  const params = request.params as never;
  if (request.method === 'sampling/createMessage') return server.createMessage(params, options);
  if (request.method === 'elicitation/create') return server.elicitInput(params, options);
  return server.listRoots(params, options);
}

/** `ask`, refusing a request for input while {@link MAX_OPEN_INPUT_REQUESTS} of its own are open (one call's). */
export function capOpenInputs(ask: CallOrigin['ask']): CallOrigin['ask'] {
  let open = 0;
  return async (request, signal) => {
    if (open >= MAX_OPEN_INPUT_REQUESTS) throw new Error(TOO_MANY_INPUT_REQUESTS);
    open += 1;
    try {
      return await ask(request, signal);
    } finally {
      open -= 1;
    }
  };
}
