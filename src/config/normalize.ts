/**
 * One schema-valid server entry → one `ServerConfig`: infers the transport, applies defaults, expands
 * variables and checks what only makes sense after expansion (URLs). Mistakes written in the file are
 * fatal issues; a failure caused by the environment (unset variable) only marks this server's `problem`.
 */
import { resolve } from 'node:path';
import { serverCatalog } from './catalog-config.ts';
import { type ConfigIssue, formatLocation, formatPath } from './config-error.ts';
import { describeFailure, type Env, hasVariables, interpolate } from './interpolate.ts';
import { DEFAULT_TIMEOUTS, type ServerConfig, type TransportKind } from './model.ts';
import { IGNORED_SERVER_KEYS, type ServerEntry } from './schema.ts';
import type { Position } from './source.ts';
import { resolveTransport, URL_KEYS, type UrlKey } from './transport.ts';

/** What `buildServer` needs from the file being read; issues and warnings are appended. */
export interface BuildContext {
  /** The file as the user named it (messages). */
  file: string;
  /** Absolute path (`ServerConfig.source`). */
  sourceFile: string;
  /** Directory relative `cwd` values are resolved against. */
  dir: string;
  topKey: 'servers' | 'mcpServers';
  env: Env;
  locate(path: readonly PropertyKey[]): Position | undefined;
  issues: ConfigIssue[];
  warnings: string[];
  /** Path of the entry being built when it is not `[topKey, name]` (a replica: `[..., 'replicas', i]`). */
  at?: PropertyKey[];
}

type Field = PropertyKey[];
const STDIO_ONLY = ['args', 'env', 'inheritEnv', 'cwd'] as const;

/** Builds the server, or returns undefined after adding fatal issues to `ctx.issues`. */
export function buildServer(name: string, entry: ServerEntry, ctx: BuildContext): ServerConfig | undefined {
  const base = ctx.at ?? [ctx.topKey, name];
  const full = (field: Field) => [...base, ...field];
  const where = (field: Field) =>
    `${formatLocation(ctx.file, ctx.locate(full(field))?.line)} (${formatPath(full(field))})`;
  const fatal = (field: Field, message: string, fix: string) => {
    ctx.issues.push({
      file: ctx.file,
      ...ctx.locate(full(field)),
      path: formatPath(full(field)),
      message,
      fix,
    });
  };
  const warn = (text: string) =>
    ctx.warnings.push(
      `${formatLocation(ctx.file, ctx.locate(full([]))?.line)} ${formatPath(full([]))}: ${text}`,
    );

  const urlKey = URL_KEYS.find((key) => entry[key] !== undefined);
  const transport = resolveTransport(entry, urlKey, fatal);
  if (entry.enabled !== undefined && entry.enabled === entry.disabled) {
    fatal(['disabled'], 'contradicts enabled', 'keep only one of enabled and disabled');
  }
  if (!transport) return undefined;
  if (entry.protocol === '2026-07-28' && transport === 'sse') {
    fatal(
      ['protocol'],
      'is 2026-07-28, which legacy SSE servers do not speak',
      'remove protocol, or use a Streamable HTTP url',
    );
  }

  const ignored = Object.entries(IGNORED_SERVER_KEYS).filter(([key]) => key in entry);
  if (ignored.length) warn(`ignored ${ignored.map(([key, who]) => `${key} (${who})`).join(', ')}`);
  const unused = transport === 'stdio' ? ['headers'] : STDIO_ONLY;
  const present = unused.filter((key) => entry[key as keyof ServerEntry] !== undefined);
  if (present.length) warn(`ignored ${present.join(', ')} (not used by ${transport} servers)`);
  // No shell runs the command (security), so pipes and `&&` would silently become part of the file name.
  if (entry.command && /[|&;<>`]|\$\(/.test(entry.command)) {
    warn(
      'command contains shell syntax, but it is run without a shell: put the program in command, arguments in args',
    );
  }

  let problem: string | undefined;
  const expand = (raw: string, ...field: Field): string => {
    const result = interpolate(raw, ctx.env);
    if (result.ok) return result.value;
    const { message, fix } = describeFailure(result);
    problem ??= `${message} in ${where(field)}; ${fix}`;
    return raw;
  };
  // With a problem, every field keeps its raw `${...}` text: a half-expanded entry would hold secrets
  // for a server that will never start.
  let server = fill(name, entry, transport, urlKey, expand, ctx);
  if (problem !== undefined) return { ...fill(name, entry, transport, urlKey, (raw) => raw, ctx), problem };

  // Checks on expanded values. Blame the file when the text had no variables, else the environment.
  const check = (bad: boolean, raw: string, field: Field, what: string, fix: string) => {
    if (!bad) return;
    if (!hasVariables(raw)) fatal(field, what, fix);
    else problem ??= `${what} after substituting variables in ${where(field)}; check the variables it uses`;
  };
  if (transport === 'stdio')
    check(
      server.command === '',
      entry.command ?? '',
      ['command'],
      'command is empty',
      'write the program to run',
    );
  if (urlKey && server.url !== undefined) {
    const raw = entry[urlKey] ?? '';
    check(
      !isHttpUrl(server.url),
      raw,
      [urlKey],
      'not a valid http(s) URL',
      'write a full URL like https://example.com/mcp',
    );
    const hasAuthorization = Object.keys(server.headers).some((key) => key.toLowerCase() === 'authorization');
    const withCredentials = isHttpUrl(server.url) && hasUrlCredentials(server.url);
    check(
      withCredentials && hasAuthorization,
      raw,
      [urlKey],
      'has user:password@ credentials and headers.Authorization is set too',
      'keep one of them',
    );
    if (withCredentials && !hasAuthorization) server = credentialsToHeader(server, server.url);
  }
  for (const [key, value] of Object.entries(server.headers)) {
    const raw = entry.headers?.[key] ?? '';
    check(
      /[\r\n\0]/.test(value),
      raw,
      ['headers', key],
      'contains a line break',
      'write the header on one line',
    );
  }
  if (problem !== undefined) server = { ...fill(name, entry, transport, urlKey, (raw) => raw, ctx), problem };
  return server;
}

/** The `ServerConfig` with every string passed through `value` (expansion, or identity for raw text). */
function fill(
  name: string,
  entry: ServerEntry,
  transport: TransportKind,
  urlKey: UrlKey | undefined,
  value: (raw: string, ...field: Field) => string,
  ctx: BuildContext,
): ServerConfig {
  const line = ctx.locate(ctx.at ?? [ctx.topKey, name])?.line;
  const server: ServerConfig = {
    name,
    transport,
    args: [],
    env: {},
    inheritEnv: [],
    headers: {},
    enabled: entry.enabled ?? !(entry.disabled ?? false),
    prefix: entry.prefix ?? true,
    catalog: serverCatalog(entry),
    ...(entry.capacity !== undefined && { capacity: entry.capacity }),
    ...(entry.protocol !== undefined && entry.protocol !== 'auto' && { protocol: entry.protocol }),
    timeouts: { ...DEFAULT_TIMEOUTS, ...entry.timeouts },
    source: line === undefined ? { file: ctx.sourceFile } : { file: ctx.sourceFile, line },
  };
  const map = (record: Record<string, string> | undefined, field: string) =>
    Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, value(v, field, k)]));
  if (transport === 'stdio') {
    server.command = value(entry.command ?? '', 'command');
    server.args = (entry.args ?? []).map((arg, i) => value(arg, 'args', i));
    server.env = map(entry.env, 'env');
    server.inheritEnv = [...(entry.inheritEnv ?? [])];
    if (entry.cwd !== undefined) server.cwd = resolve(ctx.dir, value(entry.cwd, 'cwd'));
  } else if (urlKey) {
    server.url = value(entry[urlKey] ?? '', urlKey);
    server.headers = map(entry.headers, 'headers');
  }
  return server;
}

function hasUrlCredentials(url: string): boolean {
  const parsed = new URL(url);
  return parsed.username !== '' || parsed.password !== '';
}

/**
 * fetch refuses a URL with `user:password@` in it, so the credentials move into an `Authorization: Basic`
 * header (RFC 7617) and out of the URL, which also keeps them out of `toolmesh servers` and the logs.
 */
function credentialsToHeader(server: ServerConfig, url: string): ServerConfig {
  const parsed = new URL(url);
  const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  const authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  return { ...server, url: parsed.href, headers: { ...server.headers, Authorization: authorization } };
}

function isHttpUrl(text: string): boolean {
  const url = URL.parse(text);
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}
