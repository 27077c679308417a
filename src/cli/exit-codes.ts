/**
 * The CLI's exit codes. Stable: scripts branch on them. Documented in docs/cli.md.
 */
export const EXIT = {
  OK: 0,
  /** Something failed that fits no other class. */
  FAILURE: 1,
  /** The command line itself is wrong (unknown command or flag, missing argument). */
  USAGE: 2,
  /** The config file is invalid. */
  CONFIG: 3,
  /** A server could not be reached, is not ready, or refuses calls for now: worth trying again later. */
  UNAVAILABLE: 4,
  /** The tool ran and reported an error (`isError: true`), or the name is unknown. */
  TOOL_ERROR: 5,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); a workflow run stays resumable. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure with its exit code; `main` prints the message and exits with the code. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}
