#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describeError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { restartWithLeanMalloc } from './lean-malloc.ts';

// Node's on-disk compile cache for the commands and everything they load: later starts skip most compile
// work, about 0.1-0.25 s and 9 MB of RSS for `serve` (docs/benchmarks.md). It lives in the checkout's
// node_modules/.cache, not in a shared temp dir another user could write to. It must be on before those
// modules load, hence the dynamic imports. A cache that cannot be written is simply not used.
enableCompileCache?.(fileURLToPath(new URL('../../node_modules/.cache/toolmesh-compile', import.meta.url)));

interface Command {
  summary: string;
  help: string;
  run(argv: string[]): Promise<ExitCode>;
}

// Each command is imported only when it runs: `serve` then loads none of what `validate` or `run` need
// (ajv, the workflow validator...), which shortens the hub's start. The imports are dynamic for the
// compile cache above, too.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: () => import('./commands/serve.ts'),
  servers: () => import('./commands/servers.ts'),
  tools: () => import('./commands/tools.ts'),
  conflicts: () => import('./commands/conflicts.ts'),
  pins: () => import('./commands/pins.ts'),
  call: () => import('./commands/call.ts'),
  run: () => import('./commands/run.ts'),
  runs: () => import('./commands/runs.ts'),
  validate: () => import('./commands/validate.ts'),
};

/** The command list of `toolmesh --help`; it loads every command, which only help needs. */
async function usage(): Promise<string> {
  const summaries = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(10)}${(await load()).summary}`),
  );
  return `ToolMesh ${VERSION}: one MCP endpoint for many MCP servers.

Usage: toolmesh <command> [options]

Commands:
${summaries.join('\n')}

Common options: --config FILE, --json, --verbose, --help. Run "toolmesh <command> --help" for more.`;
}

/** Runs the CLI and returns the exit code. The only module that decides how the process ends. */
async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  if (name === 'serve') restartWithLeanMalloc(); // before anything is spawned or opened
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) throw new CliError(EXIT.USAGE, `unknown command "${name}"\n\n${await usage()}`);
  const command = await load();
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
