/** Runs the real `toolmesh` CLI in a child process, as a user would. */
import { type ChildProcess, execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { nodeBin } from '../fixtures/spawn.ts';

export const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'src/cli/main.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `toolmesh <args>` to its end (60 s at most) and gives its exit code and output; `timedOut` when it
 * was killed at that budget (a hang: the CLI may still exit 0 on the SIGTERM).
 */
export function toolmesh(
  args: string[],
  options: { cwd?: string; input?: string } = {},
): Promise<Run & { timedOut: boolean }> {
  return new Promise((done) => {
    const child = execFile(
      nodeBin,
      [CLI, ...args],
      { cwd: options.cwd ?? REPO, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
          // The timeout's SIGTERM may end in exit code 0 (the CLI stops cleanly): ask the child, not the error.
          timedOut: child.killed,
        }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * What a started CLI process wrote to stderr, once it wrote `pattern` (a log line, say); rejects with that
 * output when the process exits first.
 */
export function stderrUntil(
  child: ChildProcess & { stderr: Readable },
  pattern: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((found, fail) => {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = pattern.exec(stderr);
      if (match) found(match);
    });
    child.once('exit', () => fail(new Error(`exited before ${pattern}: ${stderr}`)));
  });
}
