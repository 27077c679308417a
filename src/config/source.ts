/**
 * Turns config text into plain data plus a way to find the line of any field, so schema errors found
 * later can point at `file:line:col`. JSON is parsed with `JSON.parse` (exact JSON semantics); the YAML
 * parser reads the same text too, because YAML is a superset of JSON and its node ranges give positions.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue, formatPath } from './config-error.ts';
import { findJsonSyntaxError, lineColumn } from './json-syntax.ts';

/** 1-based position in the file. */
export interface Position {
  line: number;
  column: number;
}

/** The parsed file. */
export interface ParsedSource {
  data: unknown;
  /** Position of the key (or list item) at `path`, else of its nearest existing parent, else undefined. */
  locate(path: readonly PropertyKey[]): Position | undefined;
}

// Specific advice for the YAML mistakes people make most; anything else gets the generic hint.
const YAML_FIXES: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'line up entries of the same map or list at the same indentation',
  BLOCK_AS_IMPLICIT_KEY: 'quote values that contain ": " or put nested maps on their own lines',
  MISSING_CHAR: 'add the missing closing quote or bracket',
  MULTILINE_IMPLICIT_KEY: 'keep each key on one line, or quote the value',
};
const YAML_FIX = 'check indentation and quoting near here (values containing ": " or " #" need quotes)';

/** Parses `text` (JSON when `asJson`, else YAML) or throws a `ConfigError` with the syntax error's position. */
export function parseSource(text: string, file: string, asJson: boolean): ParsedSource {
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const fail = (issues: Omit<ConfigIssue, 'file'>[]): never => {
    throw new ConfigError(issues.map((issue) => ({ file, ...issue })));
  };

  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    // uniqueKeys off: duplicates are reported below with a message that says which server is doubled.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch {
    fail([
      {
        path: '',
        message: 'nested too deeply to read',
        fix: 'flatten the file; a config is a few levels deep',
      },
    ]);
  }
  let data: unknown;
  if (asJson) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      const found = findJsonSyntaxError(text);
      const offset = found?.offset ?? Number(/position (\d+)/.exec(String(e))?.[1] ?? text.length);
      fail([
        {
          ...lineColumn(text, offset),
          path: '',
          message: `invalid JSON: ${found?.message ?? 'syntax error'}`,
          fix: found?.fix ?? 'correct the JSON at this position',
        },
      ]);
    }
    // Valid JSON the YAML parser cannot read only loses positions, never the config.
    if (doc?.errors.length) doc = undefined;
  } else {
    const first = doc?.errors[0];
    if (first) {
      const message = `invalid YAML: ${first.message.split('\n')[0]}`;
      fail([{ ...at(first.pos[0]), path: '', message, fix: YAML_FIXES[first.code] ?? YAML_FIX }]);
    }
    try {
      data = doc?.toJS({ maxAliasCount: 100 });
    } catch {
      fail([
        { path: '', message: 'too many YAML aliases', fix: 'write the values out instead of using *aliases' },
      ]);
    }
  }
  const contents = doc?.contents;
  const duplicates = contents ? findDuplicates(contents, at) : [];
  if (duplicates.length > 0) fail(duplicates);

  return {
    data,
    locate(path) {
      let node: unknown = contents;
      let pos: Position | undefined;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          pos = rangeStart(pair.key, at) ?? pos;
          node = pair.value;
        } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
          node = node.items[seg];
          pos = rangeStart(node, at) ?? pos;
        } else break;
      }
      return pos;
    },
  };
}

function rangeStart(node: unknown, at: (offset: number) => Position): Position | undefined {
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  return range ? at(range[0]) : undefined;
}

/**
 * Duplicate keys in the top level and in the sections we read. (Foreign top-level sections such as Claude
 * Desktop's preferences are not ours to judge.) A doubled server name is the common case and is named so.
 */
function findDuplicates(root: unknown, at: (offset: number) => Position): Omit<ConfigIssue, 'file'>[] {
  const issues: Omit<ConfigIssue, 'file'>[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (!isMap(node)) return;
    const seen = new Map<string, Position | undefined>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const here = [...path, key];
      const first = seen.get(key);
      if (seen.has(key)) {
        const isServer = path.length === 1 && (path[0] === 'servers' || path[0] === 'mcpServers');
        const also = first ? ` (first at line ${first.line})` : '';
        issues.push({
          ...rangeStart(pair.key, at),
          path: formatPath(here),
          message: `${isServer ? 'duplicate server name' : 'duplicate key'}${also}`,
          fix: isServer ? 'rename one of the two servers or remove one' : 'keep only one of the two',
        });
      } else seen.set(key, rangeStart(pair.key, at));
      if (path.length > 0 || ['servers', 'mcpServers', 'listen'].includes(key)) walk(pair.value, here);
    }
  };
  walk(root, []);
  return issues;
}
