/**
 * Which family a parsed config file belongs to, decided from its top level: `mcpServers` (Claude Desktop,
 * Cursor, Claude Code, Windsurf), `servers` + `inputs` or a file named `mcp.json` (VS Code), else toolmesh.
 */
import { ConfigError, formatLocation } from './config-error.ts';
import type { HubConfig } from './model.ts';
import type { Position } from './source.ts';
import { didYouMean } from './suggest.ts';

/** The file's top level, once known to be a map with exactly one of the two server keys. */
export interface FileShape {
  top: Record<string, unknown>;
  topKey: 'servers' | 'mcpServers';
  format: HubConfig['format'];
  /** Notes on top-level keys that are accepted but not used. */
  warnings: string[];
}

const EXAMPLE = 'examples/basic/toolmesh.yaml';

/** Classifies `data` (parsed from `file`) or throws a `ConfigError` when it is not a servers file at all. */
export function detectShape(
  data: unknown,
  file: string,
  locate: (path: readonly PropertyKey[]) => Position | undefined,
): FileShape {
  const fail = (path: string, message: string, fix: string) =>
    new ConfigError([{ file, ...locate(path ? [path] : []), path, message, fix }]);
  if (data === null || data === undefined)
    throw fail('', 'file is empty', `add a servers: map (see ${EXAMPLE})`);
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw fail('(top level)', 'must be a map of settings', `start the file with servers: (see ${EXAMPLE})`);
  }
  const top = data as Record<string, unknown>;
  const has = (key: string) => Object.hasOwn(top, key);
  if (has('servers') && has('mcpServers')) {
    throw fail('mcpServers', 'servers and mcpServers are both present', 'move all servers under one of them');
  }
  if (!has('servers') && !has('mcpServers')) {
    // `server:` or `mcp_servers:` is the likely mistake; name it rather than saying the key is missing.
    for (const key of Object.keys(top)) {
      const guess = didYouMean(key, ['servers', 'mcpServers']);
      if (guess) throw fail(key, 'unknown field', `did you mean "${guess}"?`);
    }
    const fix = 'add servers: (toolmesh, VS Code) or mcpServers (Claude Desktop, Cursor, Claude Code)';
    throw fail('servers', 'no servers key', fix);
  }

  const warnings: string[] = [];
  if (has('mcpServers')) {
    // Claude Desktop and ~/.claude.json keep app preferences beside the servers: not ours, not errors.
    const others = Object.keys(top).filter((key) => key !== 'mcpServers' && key !== 'listen');
    const shown = others.length > 8 ? [...others.slice(0, 8), `and ${others.length - 8} more`] : others;
    if (others.length)
      warnings.push(`${file}: ignored top-level keys ${shown.join(', ')} (settings of other apps)`);
    return { top, topKey: 'mcpServers', format: 'mcpServers', warnings };
  }
  if (has('inputs')) {
    const where = formatLocation(file, locate(['inputs'])?.line);
    warnings.push(
      `${where} inputs: ignored (VS Code prompts); toolmesh reads variables from its environment`,
    );
  }
  const vscode = has('inputs') || /(^|[\\/])mcp\.json$/.test(file);
  return { top, topKey: 'servers', format: vscode ? 'vscode' : 'toolmesh', warnings };
}
