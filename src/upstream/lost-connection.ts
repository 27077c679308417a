import { HubError } from '../errors.ts';
import type { ChildStdioTransport } from './stdio-transport.ts';

/** A request lost with its connection; `unseen`: the server cannot have acted on it. */
export class LostConnection extends Error {
  readonly hubError: HubError;
  readonly unseen: boolean;
  constructor(hubError: HubError, unseen: boolean) {
    super(hubError.message);
    this.hubError = hubError;
    this.unseen = unseen;
  }
}

/** fetch() found nothing listening: the request never left the hub. */
export function isRefused(reason: unknown): boolean {
  return (reason as { cause?: { code?: unknown } } | undefined)?.cause?.code === 'ECONNREFUSED';
}

/** How a child's exit reads in a message: "was killed by SIGKILL", "exited with code 1". */
export function describeExit(transport: ChildStdioTransport): string {
  if (transport.exitSignal) return `was killed by ${transport.exitSignal}`;
  if (transport.exitCode !== null) return `exited with code ${transport.exitCode}`;
  return 'closed its connection';
}

/** What a request that ended with `error` gets when the connection to `server` went with it. */
export function lostConnection(
  error: unknown,
  server: string,
  transport: ChildStdioTransport | undefined,
  unseen: boolean,
): LostConnection {
  const how = transport ? describeExit(transport) : 'closed the connection';
  const hubError = new HubError('UPSTREAM_UNAVAILABLE', `server "${server}" ${how} during the request`, {
    server,
    retryable: true,
    cause: error,
  });
  return new LostConnection(hubError, unseen || isRefused(error));
}
