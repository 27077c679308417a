#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describeError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';

// Node's on-disk compile cache for the commands and everything they load: later starts skip most compile
// work, about 0.1-0.25 s and 9 MB of RSS for `serve` (docs/benchmarks.md). It lives in the checkout's
// node_modules/.cache, not in a shared temp dir another user could write to. It must be on before those
// modules load, hence the dynamic imports. A cache that cannot be written is simply not used.
enableCompileCache?.(fileURLToPath(new URL('../../node_modules/.cache/toolmesh-compile', import.meta.url)));
const [call, conflicts, pins, runCommand, runs, serve, servers, tools, validate] = await Promise.all([
  import('./commands/call.ts'),
  import('./commands/conflicts.ts'),
  import('./commands/pins.ts'),
  import('./commands/run.ts'),
  import('./commands/runs.ts'),
  import('./commands/serve.ts'),
  import('./commands/servers.ts'),
  import('./commands/tools.ts'),
  import('./commands/validate.ts'),
]);

interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<ExitCode>;
}

const COMMANDS: Record<string, Command> = {
  serve,
  servers,
  tools,
  conflicts,
  pins,
  call,
  run: runCommand,
  runs,
  validate,
};

const USAGE = `ToolMesh ${VERSION}: one MCP endpoint for many MCP servers.

Usage: toolmesh <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Common options: --config FILE, --json, --verbose, --help. Run "toolmesh <command> --help" for more.`;

/** Runs the CLI and returns the exit code. The only module that decides how the process ends. */
async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new CliError(EXIT.USAGE, `unknown command "${name}"\n\n${USAGE}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return EXIT.OK;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // The readable message, then one JSON line for scripts (`2>&1 | tail -1`).
  const code = error instanceof CliError ? error.exitCode : EXIT.FAILURE;
  const message = error instanceof CliError ? error.message : describeError(error);
  process.stderr.write(`toolmesh: ${message}\n`);
  if (!(error instanceof CliError)) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  process.stderr.write(`${JSON.stringify({ error: { exitCode: code, message } })}\n`);
  process.exitCode = code;
}
// Stray handles (a server that ignores SIGTERM, a socket in TIME_WAIT) must not keep the CLI alive.
setTimeout(() => process.exit(), 5_000).unref();
