import { parseArgs } from 'node:util';
import { demoConfig } from '../config/demo.ts';
import { findConfigFile, loadConfig } from '../config/load.ts';
import type { HubConfig } from '../config/model.ts';
import { CliError, EXIT } from './exit-codes.ts';

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parses a command's arguments; an unknown flag is a usage error naming the command's help. */
export function parseCommand<T extends OptionSpec>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(EXIT.USAGE, `${(error as Error).message}\nRun: toolmesh ${command} --help`);
  }
}

/**
 * The config a command works on: `--config FILE`, else `toolmesh.yaml|yml|json` in the working directory,
 * else the built-in demo.
 * @throws CliError `CONFIG` with the validation message (file, field, fix).
 */
export async function resolveConfig(path: string | undefined): Promise<HubConfig> {
  const file = path ?? findConfigFile(process.cwd());
  if (file === undefined) return demoConfig();
  try {
    return await loadConfig(file);
  } catch (error) {
    throw new CliError(EXIT.CONFIG, (error as Error).message);
  }
}
