import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  type Result,
  SERVER_INFO_META_KEY,
  type ServerContext,
} from '@modelcontextprotocol/server';

/** What the hub reads of the SDK's request context; `DirectAnswers` builds one of its own. */
export interface RequestContext {
  readonly sessionId?: string;
  readonly mcpReq: Pick<
    ServerContext['mcpReq'],
    'id' | 'signal' | '_meta' | 'envelope' | 'inputResponses' | 'requestState' | 'notify'
  >;
}

/** What a 2026-era request's `_meta` envelope says about its client; `undefined` on a 2025-era connection. */
export function envelopeOf(
  ctx: RequestContext,
): { capabilities?: ClientCapabilities; logLevel?: LoggingLevel } | undefined {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  if (!envelope) return undefined;
  return {
    capabilities: envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined,
    logLevel: envelope[LOG_LEVEL_META_KEY] as LoggingLevel | undefined,
  };
}

/**
 * Reserved `_meta` keys that describe one hop (the upstream's identity) must not reach the client as if
 * they described the hub; the SDK stamps the hub's own where the era calls for it. Other keys pass through.
 */
export function withoutPerHopMeta(result: Result): Result {
  const meta = result._meta;
  if (!meta || !(SERVER_INFO_META_KEY in meta)) return result;
  const { [SERVER_INFO_META_KEY]: _upstreamInfo, ...rest } = meta;
  if (Object.keys(rest).length > 0) return { ...result, _meta: rest };
  // Nothing else in it: no `_meta` at all, rather than an empty one on every result.
  const { _meta: _dropped, ...withoutMeta } = result;
  return withoutMeta;
}
