/**
 * SEP-2243 (2026-07-28) parameter headers: a tool's input schema may mark a primitive argument with
 * `"x-mcp-header": "Name"`; over HTTP the client then mirrors the argument into an `Mcp-Param-Name` header,
 * and the server checks that header against the body (400 with -32020 on a mismatch), so intermediaries can
 * route on it without parsing bodies. The hub is both: it checks what its clients send and mirrors what it
 * sends to HTTP upstreams. The SDK (2.4.0) does this only inside `McpServer` and `Client.callTool` and
 * exports neither the scan nor the check; the hub serves raw upstream schemas through the low-level
 * `Server` and sends raw requests, hence this module.
 */
/** One `x-mcp-header` declaration: the header suffix and where the argument sits in `arguments`. */
export interface ParamHeader {
  readonly name: string;
  readonly path: readonly string[];
  readonly type: 'string' | 'integer' | 'boolean';
}

/** JSON-RPC error code of a header that disagrees with the body (`HeaderMismatch`). */
export const HEADER_MISMATCH = -32020;

const PREFIX = 'Mcp-Param-';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 token
const TYPES = new Set(['string', 'integer', 'boolean']);
const SENTINEL_START = '=?base64?';
const SENTINEL_END = '?=';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^-?\d+$/;
const NONE: readonly ParamHeader[] = [];
const scanned = new WeakMap<object, readonly ParamHeader[]>();

/**
 * The declarations in a tool's input schema, following `properties` at any depth (cached per schema
 * object). A schema with an invalid declaration (not an RFC 9110 token, not a string/integer/boolean
 * property, or a name repeated ignoring case) yields none: the tool is then served as listed, neither
 * mirrored nor checked, rather than hidden.
 */
export function paramHeaders(inputSchema: unknown): readonly ParamHeader[] {
  if (inputSchema === null || typeof inputSchema !== 'object') return NONE;
  let found = scanned.get(inputSchema);
  if (!found) {
    found = scan(inputSchema as Record<string, unknown>, []) ?? NONE;
    const names = new Set(found.map((declaration) => declaration.name.toLowerCase()));
    if (names.size !== found.length) found = NONE;
    scanned.set(inputSchema, found);
  }
  return found;
}

/** Declarations under `schema`, or undefined when one is invalid. */
function scan(schema: Record<string, unknown>, path: string[]): ParamHeader[] | undefined {
  const found: ParamHeader[] = [];
  const properties = schema.properties;
  if (properties === null || typeof properties !== 'object') return found;
  for (const [key, child] of Object.entries(properties)) {
    if (child === null || typeof child !== 'object') continue;
    const property = child as Record<string, unknown>;
    const name = property['x-mcp-header'];
    if (name !== undefined) {
      if (typeof name !== 'string' || !TOKEN.test(name) || !TYPES.has(String(property.type)))
        return undefined;
      found.push({ name, path: [...path, key], type: property.type as ParamHeader['type'] });
    }
    const nested = scan(property, [...path, key]);
    if (!nested) return undefined;
    found.push(...nested);
  }
  return found;
}

/** The `Mcp-Param-*` headers for a call with `args`; null, absent and non-primitive values get none. */
export function mirrorParamHeaders(
  declarations: readonly ParamHeader[],
  args: unknown,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const declaration of declarations) {
    const text = asText(valueAt(args, declaration.path));
    if (text !== undefined) headers[`${PREFIX}${declaration.name}`] = encode(text);
  }
  return headers;
}

/**
 * Checks the request's `Mcp-Param-*` headers against `args`: every argument with a value must have its
 * header, Base64-wrapped values must be canonical Base64 of UTF-8, and the decoded value must equal the
 * argument (integers compared as numbers). A header without a body value is ignored.
 * @returns undefined when they agree, else the header at fault and why.
 */
export function checkParamHeaders(
  declarations: readonly ParamHeader[],
  args: unknown,
  headers: Headers,
): { header: string; problem: string } | undefined {
  for (const declaration of declarations) {
    const value = valueAt(args, declaration.path);
    const text = asText(value);
    if (text === undefined) continue;
    const header = `${PREFIX}${declaration.name}`;
    const sent = headers.get(header);
    if (sent === null)
      return { header, problem: `missing, but arguments.${declaration.path.join('.')} is set` };
    const decoded = decode(sent);
    if (decoded === undefined) return { header, problem: 'not valid Base64 of UTF-8 inside =?base64?…?=' };
    const equal =
      typeof value === 'number' && DECIMAL.test(decoded) ? Number(decoded) === value : decoded === text;
    if (!equal) return { header, problem: `does not match arguments.${declaration.path.join('.')}` };
  }
  return undefined;
}

/**
 * A header value as sent: plain when it is safe visible ASCII (tabs and spaces inside allowed), else
 * `=?base64?<UTF-8 as Base64>?=`. Empty values, values with outer whitespace (HTTP strips it) and values
 * that already look wrapped are wrapped too, so they come back exactly.
 */
function encode(text: string): string {
  const plain =
    text.length > 0 &&
    text === text.trim() &&
    !(text.startsWith(SENTINEL_START) && text.endsWith(SENTINEL_END)) &&
    /^[\t\x20-\x7e]*$/.test(text);
  return plain ? text : `${SENTINEL_START}${Buffer.from(text, 'utf8').toString('base64')}${SENTINEL_END}`;
}

function decode(value: string): string | undefined {
  if (!(value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END))) return value; // a literal
  const payload = value.slice(SENTINEL_START.length, -SENTINEL_END.length);
  if (!BASE64.test(payload)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(payload, 'base64'));
  } catch {
    return undefined;
  }
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The header text of a primitive argument (booleans lowercase); undefined for anything else. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value) && Number.isSafeInteger(Math.trunc(value)))
    return String(value);
  return undefined;
}
