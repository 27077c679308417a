import { existsSync } from 'node:fs';
import type { ServerConfig } from '../config/model.ts';
import { describeError } from '../errors.ts';
import { refusedAccess, refusedRequiredEra } from './errors.ts';
import type { ChildStdioTransport } from './stdio-transport.ts';

/**
 * Turns a failed start into one actionable sentence: what went wrong and what to do about it, plus the
 * last stderr line of a stdio server (often the real reason). Never includes env or header values.
 */
export function describeStartFailure(
  server: ServerConfig,
  error: unknown,
  transport: ChildStdioTransport | undefined,
): string {
  if (refusedRequiredEra(error, server)) {
    return `the server does not speak protocol 2026-07-28, which servers.${server.name}.protocol requires (remove protocol to let the hub fall back to 2025-11-25)`;
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (server.transport === 'stdio') {
    if ((code === 'ENOENT' || code === 'ENOTDIR') && server.cwd && !existsSync(server.cwd)) {
      return `working directory not found: ${server.cwd} (check servers.${server.name}.cwd)`;
    }
    if (code === 'ENOENT') {
      return `command not found: ${server.command} (check servers.${server.name}.command, install it, or use an absolute path)`;
    }
    if (code === 'EACCES') return `command is not executable: ${server.command} (check its permissions)`;
    const lastLine = transport?.stderr.lastLines(1)[0];
    const exited = transport && (transport.exitCode !== null || transport.exitSignal !== null);
    if (exited) {
      const how = transport.exitSignal
        ? `was killed by ${transport.exitSignal}`
        : `exited with code ${transport.exitCode}`;
      return `server ${how} during start-up${lastLine ? `; last stderr line: ${lastLine}` : ''}`;
    }
    return `start-up failed: ${describeError(error)}${lastLine ? `; last stderr line: ${lastLine}` : ''}`;
  }
  const refused = refusedAccess(error);
  if (refused !== undefined) {
    const why = refused === 401 ? 'requires authorization' : 'refuses access';
    return `${safeUrl(server.url)} ${why} (HTTP ${refused}): give it credentials in servers.${server.name}.headers, e.g. Authorization: "Bearer \${TOKEN}"`;
  }
  const cause = socketErrorCode(error);
  if (cause === 'ECONNREFUSED')
    return `nothing is listening at ${safeUrl(server.url)} (is the server running?)`;
  if (cause === 'ENOTFOUND')
    return `host not found: ${safeUrl(server.url)} (check servers.${server.name}.url)`;
  return `cannot connect to ${safeUrl(server.url)}: ${redactUrl(describeError(error), server.url)}`;
}

/**
 * The socket error code (`ECONNREFUSED`, `ENOTFOUND`...) somewhere in the cause chain: fetch wraps it in a
 * `TypeError`, and the SDK's version probe wraps that again.
 */
function socketErrorCode(error: unknown): unknown {
  let cause = (error as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; depth < 5 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `text` with the configured URL (as written and as normalised) replaced by its safe form: fetch quotes the
 * whole URL in some errors, credentials and token query parameters included.
 */
export function redactUrl(text: string, url: string | undefined): string {
  if (!url) return text;
  const forms = [url, URL.parse(url)?.href].filter((form): form is string => !!form && form !== safeUrl(url));
  return forms.reduce((out, form) => out.replaceAll(form, safeUrl(url)), text);
}

/** The URL without credentials or query string, which may carry tokens. */
function safeUrl(url: string | undefined): string {
  if (!url) return '(no url)';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
