/**
 * The error thrown for any config file the hub cannot use. Each issue names the file, the field and a fix,
 * so a user can repair the file from the message alone. Messages never contain variable values (secrets).
 */

/** One thing wrong with a config file. */
export interface ConfigIssue {
  /** The file as the user named it (or `<builtin demo>`). */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** Field path such as `servers.github.command`; empty when the problem is the file as a whole. */
  path: string;
  /** What is wrong (no trailing period, no values of variables). */
  message: string;
  /** A concrete next step. */
  fix: string;
}

/** `file`, `file:line` or `file:line:col`. */
export function formatLocation(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

/** One issue as one line: `toolmesh.yaml:12:5 servers.github.comand: unknown field. Fix: did you mean "command"?` */
export function formatIssue(issue: ConfigIssue): string {
  const where = formatLocation(issue.file, issue.line, issue.column);
  return `${issue.path ? `${where} ${issue.path}` : where}: ${issue.message}. Fix: ${issue.fix}`;
}

/** Thrown by `loadConfig`/`parseConfig` for every fatal problem; `.message` lists all issues, one per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Matches `ErrorCode` in `src/errors.ts`, so callers can map it without importing this class. */
  readonly code = 'CONFIG_INVALID';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}

/**
 * Renders a parsed path the way users write it: `servers.github.args[2]`, `servers["my.server"].env.TOKEN`.
 * Segments that are not plain words are quoted so the path stays unambiguous.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
