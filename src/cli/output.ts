/**
 * All command output goes through here: data on stdout (a table for people, JSON with `--json`),
 * diagnostics on stderr.
 */

/** Prints `value` as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as an aligned plain-text table on stdout (no colours, so it pipes cleanly). */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(headers), ...rows.map(line)].join('\n')}\n`);
}

/** A diagnostic line on stderr. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
