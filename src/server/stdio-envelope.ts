import { INVALID_PARAMS, INVALID_REQUEST, type RequestId } from '@modelcontextprotocol/server';
import { isJsonObject, isRequestId } from '../protocol/json-shapes.ts';

/** Why a message from a stdio client is refused, and whether (and with which id) it gets an answer. */
export interface Refusal {
  code: number;
  message: string;
  /** The request's id, or null when it cannot be read (JSON-RPC 2.0 answers those with `id: null`). */
  id: RequestId | null;
  /** False for a notification: JSON-RPC never answers one, even when it is wrong. */
  answer: boolean;
}

/**
 * Checks the JSON-RPC envelope of one message a stdio client sent, the rows of the security note's bad
 * inputs that apply to stdio (5, 6, 8, 9, 10, 11): `method` a non-empty string, `id` a string or a safe
 * integer (not null, not a fraction, not beyond ±2^53-1, which `JSON.parse` cannot carry exactly), `params`
 * an object and its `_meta` too, no id reused while its request is in flight (the SDK would overwrite the first one's state),
 * and a response with an id and exactly one of `result` and `error` (a well-formed response with an id the
 * hub never sent is the SDK's to ignore, row 31). The SDK's `Protocol` only reports such messages to the
 * server; the client would wait for an answer forever.
 * @param message a parsed line that has the JSON-RPC 2.0 envelope (`JsonLineReader` checked that much)
 * @param inFlight ids of the client's requests not yet answered
 */
export function envelopeProblem(
  message: Record<string, unknown>,
  inFlight: { has(id: RequestId): boolean },
): Refusal | undefined {
  const hasId = 'id' in message;
  const id = hasId && isRequestId(message.id) ? message.id : null;
  if (!('method' in message)) {
    if (id !== null && 'result' in message !== 'error' in message) return undefined;
    return refuse(
      INVALID_REQUEST,
      'Invalid Request: a response needs an id and exactly one of result or error',
    );
  }
  if (typeof message.method !== 'string' || message.method === '') {
    return refuse(INVALID_REQUEST, 'Invalid Request: method must be a non-empty string', id);
  }
  if (hasId && id === null) {
    return refuse(INVALID_REQUEST, 'Invalid Request: id must be a string or an integer of at most 2^53-1');
  }
  const params = message.params;
  if (params !== undefined && !isJsonObject(params)) {
    return { ...refuse(INVALID_PARAMS, 'Invalid params: params must be an object', id), answer: hasId };
  }
  // The SDK drops a request whose `_meta` is not an object without a word: it would never be answered.
  if (params !== undefined && '_meta' in params && !isJsonObject(params._meta)) {
    return { ...refuse(INVALID_PARAMS, 'Invalid params: _meta must be an object', id), answer: hasId };
  }
  if (id !== null && inFlight.has(id)) {
    return refuse(
      INVALID_REQUEST,
      `Invalid Request: id ${JSON.stringify(id)} belongs to a request in flight`,
      id,
    );
  }
  return undefined;
}

function refuse(code: number, message: string, id: RequestId | null = null): Refusal {
  return { code, message, id, answer: true };
}
