import { isJsonObject, isRequestId } from '../protocol/json-shapes.ts';
import { namesProtocolVersion } from './era-claim.ts';

/** The first protocol revision of the 2026 era (per-request envelope, no sessions). */
const FIRST_MODERN_VERSION = '2026-07-28';

/**
 * Whether a POST is a plain message of a 2025-era session: it carries `Mcp-Session-Id`, names no 2026-era
 * version (neither in the `MCP-Protocol-Version` header nor in its params' `_meta`), and is a well-formed
 * JSON-RPC request or notification. The SDK's `isLegacyRequest` calls every such message legacy too
 * (`session-message.test.ts` holds that); it gets there through four zod guards and a classification
 * object, 10-12 µs of hub CPU on each call of a session (docs/benchmarks.md). This answers the common case
 * first; every other message still goes through `isLegacyRequest`.
 */
export function isPlainSessionMessage(headers: Headers, body: unknown): boolean {
  if (!headers.has('mcp-session-id')) return false;
  const version = headers.get('mcp-protocol-version')?.trim();
  if (version !== undefined && version >= FIRST_MODERN_VERSION) return false;
  if (!isJsonObject(body)) return false;
  const message = body as { jsonrpc?: unknown; method?: unknown; id?: unknown; params?: unknown };
  if (message.jsonrpc !== '2.0' || typeof message.method !== 'string') return false;
  if ('id' in message && !isRequestId(message.id)) return false;
  const { params } = message;
  if (params === undefined) return true;
  if (!isJsonObject(params)) return false;
  return !namesProtocolVersion(params);
}
