import { HubError } from '../errors.ts';
import { wasNeverSent } from '../upstream/errors.ts';

/**
 * Whether `error` says the replica itself is unwell (what breakers and outlier detection count): the
 * connection or process went away during the request, it timed out, or the server reported an internal
 * error (-32603, like an HTTP 5xx). Not counted: the caller's mistakes (-32602 and other JSON-RPC errors),
 * cancellations, `isError` results (those are results), and requests that never reached the server (the
 * upstream's own supervisor deals with a server that is down).
 */
export function isReplicaFailure(error: unknown): boolean {
  if (!HubError.is(error) || wasNeverSent(error)) return false;
  if (error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'UPSTREAM_TIMEOUT') return true;
  return error.code === 'UPSTREAM_ERROR' && error.data.upstreamCode === -32603;
}
