import type { JSONRPCMessage } from '@modelcontextprotocol/server';

/** The JSON of a reused result, as text and as UTF-8, each made when first asked for. */
interface Made {
  text?: string;
  bytes?: Buffer;
}

/** Results marked as sent many times unchanged, and what was made of them. */
const made = new WeakMap<object, Made>();
const CLOSE = Buffer.from('}');

/**
 * Marks `result` as one a face sends many times unchanged (a page of a list, the same for every client of
 * one catalog snapshot and discovery mode), so {@link messageJson} and {@link messageBody} serialise it once,
 * not per request: a page of 500 tools is about 0.5 ms of `JSON.stringify` and as much again to encode the
 * text as UTF-8, which were most of the hub's CPU per list. `result` must not be changed afterwards.
 */
export function reusedResult<T extends object>(result: T): T {
  if (!made.has(result)) made.set(result, {});
  return result;
}

/** `message` as JSON text (what `JSON.stringify` gives), with the JSON of a reused result made only once. */
export function messageJson(message: JSONRPCMessage): string {
  const reused = reusedOf(message);
  if (!reused) return JSON.stringify(message);
  reused.made.text ??= JSON.stringify(reused.result);
  return `${responseHead(reused.id)}${reused.made.text}}`;
}

/** `message` as an HTTP body: the same JSON, as bytes when the result is reused (encoded once). */
export function messageBody(message: JSONRPCMessage): string | Buffer {
  const reused = reusedOf(message);
  if (!reused) return JSON.stringify(message);
  reused.made.bytes ??= Buffer.from(reused.made.text ?? JSON.stringify(reused.result));
  return Buffer.concat([Buffer.from(responseHead(reused.id)), reused.made.bytes, CLOSE]);
}

function reusedOf(message: JSONRPCMessage) {
  if (!('result' in message) || !('id' in message)) return undefined;
  const { result, id } = message;
  const known = made.get(result);
  return known && { result, id, made: known };
}

function responseHead(id: unknown): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`;
}
