import { CliError, EXIT } from './exit-codes.ts';

type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema> };

/**
 * Turns `key=value` words into tool arguments, using the tool's input schema to pick types: `count=5` is a
 * number when the schema says number or integer, `flag=true` a boolean when it says boolean, and a value
 * for an object or array property is parsed as JSON. Anything else stays a string, so nothing is guessed
 * for properties the schema does not describe.
 * @throws CliError `USAGE` for a word without `=` or a value that does not fit its declared type.
 */
export function argumentsFromPairs(pairs: readonly string[], inputSchema: unknown): Record<string, unknown> {
  const schema = inputSchema as JsonSchema | undefined;
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      // The usual slip: the whole arguments object as one word, which is what --args takes.
      const hint = pair.trimStart().startsWith('{') ? `; for a JSON object use --args '${pair}'` : '';
      throw new CliError(EXIT.USAGE, `expected key=value, got "${pair}"${hint}`);
    }
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    // defineProperty, not assignment: `__proto__=x` must become a key, not change the prototype.
    Object.defineProperty(args, key, {
      value: coerce(key, raw, schema?.properties?.[key]),
      enumerable: true,
      writable: true,
      configurable: true, // a repeated key: the last one wins
    });
  }
  return args;
}

function coerce(key: string, raw: string, property: JsonSchema | undefined): unknown {
  const types = Array.isArray(property?.type) ? property.type : [property?.type];
  if (types.includes('integer') || types.includes('number')) {
    const value = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(value)) return value;
    if (!types.includes('string')) throw new CliError(EXIT.USAGE, `${key} must be a number, got "${raw}"`);
  }
  if (types.includes('boolean')) {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    if (!types.includes('string'))
      throw new CliError(EXIT.USAGE, `${key} must be true or false, got "${raw}"`);
  }
  if (types.includes('object') || types.includes('array')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new CliError(EXIT.USAGE, `${key} must be JSON (${types.join(' or ')}), got "${raw}"`);
    }
  }
  return raw;
}

/**
 * The value of a flag that takes a whole JSON object (`--args`, `--inputs`).
 * @throws CliError `USAGE` naming the flag and showing `example` when it is not a JSON object.
 */
export function jsonObjectFlag(flag: string, text: string, example: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(EXIT.USAGE, `${flag} must be a JSON object, e.g. ${flag} '${example}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(EXIT.USAGE, `${flag} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
