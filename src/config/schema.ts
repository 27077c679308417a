/**
 * The zod schema of the config *file* (before interpolation and defaults). One schema serves validation,
 * the published JSON Schema (`schema/toolmesh.schema.json`) and the key lists used for "did you mean".
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax, shown to users as text
import { z } from 'zod';
import { discoverySchema } from './discovery.ts';

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
  disabledTools: 'Windsurf',
  timeout: 'Gemini CLI and Cline; toolmesh uses timeouts.callMs',
  trust: 'Gemini CLI',
  includeTools: 'Gemini CLI; toolmesh serves all tools',
  excludeTools: 'Gemini CLI; toolmesh serves all tools',
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
});

/** One server entry, in any supported client's spelling. */
export const serverEntrySchema = z
  .strictObject({
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
    headers: z
      .record(headerName, z.string())
      .optional()
      .describe('http/sse: request headers; ${VAR} allowed.'),
    enabled: z.boolean().optional().describe('false: configured but not started (default true).'),
    disabled: z.boolean().optional().describe('true: configured but not started (inverse of enabled).'),
    prefix: z.boolean().optional().describe('true (default): tools are served as <server>__<tool>.'),
    timeouts: timeoutsSchema.optional(),
    ...ignored(IGNORED_SERVER_KEYS),
  })
  .meta({
    id: 'ServerEntry',
    title: 'Server',
    description: 'One MCP server: command (stdio) or url (remote).',
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
  })
  .meta({ id: 'Listen', description: 'Where the hub serves HTTP.' });

const serverMap = z.record(z.string().regex(SERVER_NAME_RE), serverEntrySchema);

/** A toolmesh file, or VS Code's `.vscode/mcp.json`: `servers`, strict top level. */
export const nativeFileSchema = z.strictObject({
  $schema: z.string().optional(),
  servers: serverMap.describe('Servers by name (1-64 of A-Z a-z 0-9 _ . -).'),
  listen: listenSchema.optional(),
  discovery: discoverySchema.optional(),
  ...ignored(IGNORED_TOP_KEYS),
});

/** Claude Desktop, Cursor, Claude Code, Windsurf: `mcpServers`; other top-level keys are app settings. */
export const clientFileSchema = z.looseObject({
  mcpServers: serverMap.describe('Servers by name, as written by Claude Desktop, Cursor or Claude Code.'),
  listen: listenSchema.optional(),
  discovery: discoverySchema.optional(),
});

/** Either file form (used for the published JSON Schema). */
export const configFileSchema = z.union([nativeFileSchema, clientFileSchema]);
