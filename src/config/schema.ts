/**
 * The zod schema of the config *file* (before interpolation and defaults). One schema serves validation,
 * the published JSON Schema (`schema/toolmesh.schema.json`) and the key lists used for "did you mean".
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax, shown to users as text
import { z } from 'zod';
import { catalogSchema, serverCatalogFields, storeSchema } from './catalog-schema.ts';
import { discoverySchema } from './discovery.ts';
import { UPSTREAM_PROTOCOLS } from './model.ts';
import { orchestrationFields, orchestrationServerFields } from './orchestration.ts';
import { resilienceFields } from './resilience.ts';

/** Server names: safe inside tool prefixes, URLs and log lines; `__proto__` is refused (prototype pollution). */
export const SERVER_NAME_RE = /^(?!__proto__$)[A-Za-z0-9_.-]{1,64}$/;

/** Every accepted spelling of `type`/`transport`, and the transport it means. */
export const TRANSPORT_ALIASES = {
  stdio: 'stdio',
  http: 'http',
  sse: 'sse',
  'streamable-http': 'http',
  streamableHttp: 'http',
} as const;

/**
 * Server-entry keys written by other clients. They are accepted so those files load unchanged, and reported
 * as ignored. The value says who writes them (shown in the warning and the JSON Schema).
 */
export const IGNORED_SERVER_KEYS = {
  envFile: 'VS Code and Cursor',
  dev: 'VS Code',
  sandbox: 'VS Code',
  sandboxEnabled: 'VS Code',
  gallery: 'VS Code',
  version: 'VS Code',
  alwaysAllow: 'Cline and Roo Code',
  autoApprove: 'Cline and Windsurf',
  disabledTools: 'Windsurf; toolmesh uses tools.deny',
  timeout: 'Gemini CLI and Cline; toolmesh uses timeouts.callMs',
  trust: 'Gemini CLI; toolmesh uses trusted',
  includeTools: 'Gemini CLI; toolmesh uses tools.allow',
  excludeTools: 'Gemini CLI; toolmesh uses tools.deny',
  description: 'some clients, as a note',
  source: 'Zed',
} as const;

/** Top-level keys of `servers` files written by VS Code (`.vscode/mcp.json`); ignored with a warning. */
export const IGNORED_TOP_KEYS = { inputs: 'VS Code' } as const;

/** Words other tools use for our fields: suggested even though they are not near typos. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = {
  environment: 'env',
  arguments: 'args',
  argv: 'args',
  cmd: 'command',
  endpoint: 'url',
  uri: 'url',
  workdir: 'cwd',
  workingdirectory: 'cwd',
  working_directory: 'cwd',
  mcp_servers: 'mcpServers',
};

function ignored<K extends string>(keys: Readonly<Record<K, string>>) {
  const shape = {} as Record<K, z.ZodOptional<z.ZodUnknown>>;
  for (const key of Object.keys(keys) as K[]) {
    shape[key] = z
      .unknown()
      .optional()
      .describe(`Written by ${keys[key]}. Accepted and ignored by toolmesh.`);
  }
  return shape;
}

const transport = z
  .enum(Object.keys(TRANSPORT_ALIASES) as [keyof typeof TRANSPORT_ALIASES])
  .describe('stdio (local process) | http (Streamable HTTP) | sse (legacy). Inferred when omitted.');
const text = z.string().min(1);
// Variables may be named anything the OS allows, except `=` (separator) and NUL (C string end).
const envName = z.string().regex(/^[^=\0]+$/);
// RFC 9110 token characters.
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
// Node's timers overflow (and fire after 1 ms) above 2^31-1 ms.
const ms = z.int().min(1).max(2_147_483_647);

/** `timeouts` of one server, in milliseconds. */
export const timeoutsSchema = z.strictObject({
  startupMs: ms
    .optional()
    .describe('Max time from start to a completed handshake and first listing (default 30000).'),
  callMs: ms.optional().describe('Default per-request timeout towards this server (default 60000).'),
  maxTotalMs: ms
    .optional()
    .describe('Longest a request may run even while progress keeps arriving (default 10 × callMs).'),
});

/** How to reach one server (or one replica of it): a command (stdio) or a URL (remote). */
const connectionFields = {
  type: transport.optional(),
  transport: transport.optional().describe('Same as type.'),
  command: text.optional().describe('stdio: the program to run (no shell).'),
  args: z.array(z.string()).optional().describe('stdio: arguments, one string each.'),
  env: z.record(envName, z.string()).optional().describe('stdio: variables for the child; ${VAR} allowed.'),
  inheritEnv: z.array(envName).optional().describe('stdio: names of hub variables passed through.'),
  cwd: text.optional().describe('stdio: working directory, relative to this file.'),
  url: text.optional().describe('http/sse: endpoint URL.'),
  serverUrl: text.optional().describe('Windsurf spelling of url.'),
  httpUrl: text.optional().describe('Gemini CLI spelling of url (Streamable HTTP).'),
  headers: z.record(headerName, z.string()).optional().describe('http/sse: request headers; ${VAR} allowed.'),
};

/** One replica of a logical server: any transport, plus its routing weight. */
export const replicaEntrySchema = z
  .strictObject({
    ...connectionFields,
    weight: z
      .number()
      .positive()
      .max(1_000_000)
      .optional()
      .describe('Relative share for weighted routing (default 1).'),
  })
  .meta({ id: 'Replica', description: 'One replica: command (stdio) or url (remote).' });

/** One server entry, in any supported client's spelling. */
export const serverEntrySchema = z
  .strictObject({
    ...connectionFields,
    enabled: z.boolean().optional().describe('false: configured but not started (default true).'),
    disabled: z.boolean().optional().describe('true: configured but not started (inverse of enabled).'),
    prefix: z.boolean().optional().describe('true (default): tools are served as <server>__<tool>.'),
    timeouts: timeoutsSchema.optional(),
    protocol: z
      .enum(UPSTREAM_PROTOCOLS)
      .optional()
      .describe(
        'Protocol revision spoken to this server: auto (default: ask with server/discover, fall back to 2025-11-25), 2025-11-25 (the initialize handshake only, no probe), or 2026-07-28 (required: the server fails to start without it).',
      ),
    replicas: z
      .array(replicaEntrySchema)
      .min(1)
      .optional()
      .describe('Several copies of this server behind one catalog entry (instead of command/url).'),
    ...resilienceFields,
    ...serverCatalogFields,
    ...orchestrationServerFields,
    ...ignored(IGNORED_SERVER_KEYS),
  })
  .meta({
    id: 'ServerEntry',
    title: 'Server',
    description: 'One MCP server: command (stdio), url (remote) or replicas.',
  });

/** What an entry looks like after schema validation. */
export type ServerEntry = z.output<typeof serverEntrySchema>;

/** Where the hub listens (HTTP). `port` may be a string so `${PORT:-7420}` works in YAML. */
export const listenSchema = z
  .strictObject({
    host: text.optional().describe('Interface to bind (default 127.0.0.1).'),
    port: z
      .union([z.int().min(0).max(65535), z.string().min(1)])
      .optional()
      .describe('TCP port (default 7420).'),
    allowedHosts: z
      .array(text)
      .optional()
      .describe(
        'Host names accepted in the Host and Origin headers of /mcp and /api requests, besides loopback names and the bound host (DNS-rebinding defence). Needed when clients reach the hub by another name, e.g. behind 0.0.0.0.',
      ),
  })
  .meta({ id: 'Listen', description: 'Where the hub serves HTTP.' });

const serverMap = z.record(z.string().regex(SERVER_NAME_RE), serverEntrySchema);

/** A toolmesh file, or VS Code's `.vscode/mcp.json`: `servers`, strict top level. */
export const nativeFileSchema = z.strictObject({
  $schema: z.string().optional(),
  servers: serverMap.describe('Servers by name (1-64 of A-Z a-z 0-9 _ . -).'),
  listen: listenSchema.optional(),
  catalog: catalogSchema.optional(),
  store: storeSchema.optional(),
  discovery: discoverySchema.optional(),
  ...orchestrationFields,
  ...ignored(IGNORED_TOP_KEYS),
});

/** Claude Desktop, Cursor, Claude Code, Windsurf: `mcpServers`; other top-level keys are app settings. */
export const clientFileSchema = z.looseObject({
  mcpServers: serverMap.describe('Servers by name, as written by Claude Desktop, Cursor or Claude Code.'),
  listen: listenSchema.optional(),
  catalog: catalogSchema.optional(),
  store: storeSchema.optional(),
  discovery: discoverySchema.optional(),
  ...orchestrationFields,
});

/** Either file form (used for the published JSON Schema). */
export const configFileSchema = z.union([nativeFileSchema, clientFileSchema]);
