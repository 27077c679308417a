/**
 * Zod issues → `ConfigIssue`s in the user's words, each with a concrete fix. Zod's own messages are not
 * shown: they speak of types ("received number") rather than of what to write in the file.
 */
import type { core } from 'zod';
import {
  catalogSchema,
  filterSchema,
  storeSchema,
  toolOverrideSchema,
  toolShapeSchema,
} from './catalog-schema.ts';
import { type ConfigIssue, formatPath } from './config-error.ts';
import { clientRuleSchema, discoverySchema } from './discovery.ts';
import {
  FIELD_ALIASES,
  IGNORED_SERVER_KEYS,
  listenSchema,
  nativeFileSchema,
  replicaEntrySchema,
  serverEntrySchema,
  timeoutsSchema,
} from './schema.ts';
import type { Position } from './source.ts';
import { didYouMean } from './suggest.ts';

/** What `fromZodIssue` needs from the file being read. */
export interface IssueContext {
  file: string;
  topKey: 'servers' | 'mcpServers';
  data: unknown;
  locate(path: readonly PropertyKey[]): Position | undefined;
}

// Our own fields, listed when nothing is close; the ignored foreign keys would only be noise there.
const OWN_SERVER_KEYS = Object.keys(serverEntrySchema.shape).filter((key) => !(key in IGNORED_SERVER_KEYS));
const TYPE_FIXES: Record<string, [item: string, whole: string]> = {
  args: ['quote it so it is text, e.g. "8080"', 'write a list, e.g. args: ["-y", "some-package"]'],
  env: ['quote the value, e.g. PORT: "3000"', 'write a map of NAME: "value"'],
  headers: ['quote the value, e.g. X-Api-Key: "abc"', 'write a map of Header-Name: "value"'],
  inheritEnv: ['write the variable name as text', 'write a list of names, e.g. inheritEnv: [HTTPS_PROXY]'],
  timeouts: ['', 'write a map, e.g. timeouts: {startupMs: 30000, callMs: 60000}'],
  listen: ['', 'write a map, e.g. listen: {host: 127.0.0.1, port: 7420}'],
  discovery: ['', 'write a map, e.g. discovery: {clients: [{match: "Cursor*", maxTools: 40}]}'],
  clients: ['write a map, e.g. {match: "Cursor*", maxTools: 40}', 'write a list of {match, mode, maxTools}'],
  maxTools: ['', 'write a whole number of tools, e.g. 40'],
};

/** One or more issues for one zod issue (an unknown-keys issue becomes one issue per key). */
export function fromZodIssue(issue: core.$ZodIssue, ctx: IssueContext): ConfigIssue[] {
  const make = (path: PropertyKey[], message: string, fix: string): ConfigIssue => ({
    file: ctx.file,
    ...ctx.locate(path),
    path: formatPath(path),
    message,
    fix,
  });
  const path = [...issue.path];
  const last = path.at(-1);
  // The field a value belongs to: `args` for `args[2]`, `env` for `env.TOKEN`.
  const isItem =
    typeof last === 'number' || (path.length === 4 && ['env', 'headers'].includes(String(path[2])));
  const field = String(isItem ? path.at(-2) : (last ?? ''));

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(path);
        const guess = didYouMean(key, known, FIELD_ALIASES);
        const own = path.length === 2 ? OWN_SERVER_KEYS : known;
        const fix = guess ? `did you mean "${guess}"?` : `remove it (known fields: ${own.join(', ')})`;
        return make([...path, key], 'unknown field', fix);
      });
    case 'invalid_type': {
      const got = describeValue(valueAt(ctx.data, path));
      const message = `expected ${describeExpected(issue.expected)}, got ${got}`;
      return [make(path, message, typeFix(path, field, isItem, ctx.topKey))];
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const guess = didYouMean(String(valueAt(ctx.data, path)), values);
      const fix = guess ? `did you mean "${guess}"?` : `use one of ${values.join(', ')}`;
      return [
        make(path, `unknown ${field === 'type' || field === 'transport' ? 'transport' : 'value'}`, fix),
      ];
    }
    case 'too_small':
    case 'too_big':
      if (issue.origin === 'string')
        return [make(path, 'must not be empty', 'write a value or remove the field')];
      if (field === 'port') return [make(path, 'must be from 0 to 65535', 'use a free port, e.g. 7420')];
      if (field === 'maxTools')
        return [make(path, 'must be a whole number from 1 to 1000000', 'write how many tools, e.g. 40')];
      return [make(path, 'must be a whole number from 1 to 2147483647', 'write milliseconds, e.g. 30000')];
    case 'invalid_union':
      return [make(path, 'expected a port number', 'write a number from 0 to 65535, e.g. 7420')];
    case 'invalid_key':
      return [keyIssue(path, make)];
    case 'invalid_format':
      return [make(path, 'invalid variable name', 'variable names cannot be empty or contain "="')];
    default:
      return [make(path, 'invalid value', 'see schema/toolmesh.schema.json for what this field accepts')];
  }
}

function keyIssue(
  path: PropertyKey[],
  make: (p: PropertyKey[], m: string, f: string) => ConfigIssue,
): ConfigIssue {
  const key = String(path.at(-1));
  if (path.length === 2) {
    // Offer a valid spelling of the same name: what the user most likely wants.
    const safe = key.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64) || 'server';
    const fix =
      key === '__proto__' || safe === key
        ? 'rename it (reserved name)'
        : `use 1-64 letters, digits, "_", "." or "-", e.g. "${safe}"`;
    return make(path, 'invalid server name', fix);
  }
  if (path[2] === 'headers')
    return make(path, 'invalid header name', 'use letters, digits and "-", e.g. X-Api-Key');
  return make(path, 'invalid variable name', 'variable names cannot be empty or contain "="');
}

function knownKeys(path: PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(nativeFileSchema.shape);
  if (path[0] === 'listen') return Object.keys(listenSchema.shape);
  if (path[0] === 'catalog') return Object.keys(catalogSchema.shape);
  if (path[0] === 'store') return Object.keys(storeSchema.shape);
  if (path[0] === 'discovery')
    return Object.keys((path.length === 1 ? discoverySchema : clientRuleSchema).shape);
  if (path.length === 2) return Object.keys(serverEntrySchema.shape);
  if (path[2] === 'timeouts') return Object.keys(timeoutsSchema.shape);
  if (path[2] === 'tools')
    return Object.keys(path.length === 3 ? toolShapeSchema.shape : toolOverrideSchema.shape);
  if (path[2] === 'prompts' || path[2] === 'resources') return Object.keys(filterSchema.shape);
  if (path[2] === 'replicas') return Object.keys(replicaEntrySchema.shape);
  // routing, breaker, health, retry, limits: an optional object section of the server entry.
  const section = serverEntrySchema.shape[String(path[2]) as keyof typeof serverEntrySchema.shape];
  const inner = section && 'unwrap' in section ? (section.unwrap() as { shape?: object }) : undefined;
  return inner?.shape ? Object.keys(inner.shape) : [];
}

function typeFix(path: PropertyKey[], field: string, isItem: boolean, topKey: string): string {
  const known = TYPE_FIXES[field]?.[isItem ? 0 : 1];
  if (known) return known;
  if (path.length === 1) return `write ${topKey} as a map from server name to its settings`;
  if (path.length === 2) return 'write the server as a map with command (local) or url (remote)';
  if (['enabled', 'disabled', 'prefix', 'trusted'].includes(field)) return 'write true or false';
  if (['allow', 'deny', 'priority'].includes(field)) return 'write a list, e.g. ["read_*"]';
  if (field.endsWith('Ms')) return 'write a whole number of milliseconds, e.g. 30000';
  return 'write text here (in quotes if it looks like a number or true/false)';
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let value = data;
  for (const seg of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, seg)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return value;
}

// Kinds only, never the value itself: a misplaced value may be a secret.
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

function describeExpected(expected: string): string {
  const words: Record<string, string> = { string: 'text', object: 'a map', record: 'a map', array: 'a list' };
  return (
    words[expected] ??
    (expected === 'boolean' ? 'true or false' : `a ${expected === 'int' ? 'whole number' : expected}`)
  );
}
