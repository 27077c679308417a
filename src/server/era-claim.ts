import { PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/server';
import { isJsonObject } from '../protocol/json-shapes.ts';

/**
 * Whether a request's params name a protocol version in `_meta`: the 2026 era's claim, which a 2025-era
 * request never makes. The SDK checks the rest of the envelope; this only tells the eras apart.
 */
export function namesProtocolVersion(params: unknown): boolean {
  const meta = isJsonObject(params) ? params._meta : undefined;
  return isJsonObject(meta) && PROTOCOL_VERSION_META_KEY in meta;
}
