import { findConfigFile, loadConfig } from '../../config/load.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand } from '../options.ts';
import { note, printJson } from '../output.ts';

export const summary = 'check a config file without starting anything';
export const help = `Usage: toolmesh validate [--config FILE] [--json]

Reads and validates the config (toolmesh.yaml|yml|json in the working directory by default).
Every problem names the file, the field (with its line) and the fix. Exit code 0 when valid, 3 when not.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values } = parseCommand('validate', argv, {});
  const file = values.config ?? findConfigFile(process.cwd());
  if (file === undefined) {
    throw new CliError(EXIT.CONFIG, 'no config file: pass --config FILE or create toolmesh.yaml here');
  }
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(file);
  } catch (error) {
    if (values.json) printJson({ valid: false, file, error: (error as Error).message });
    throw new CliError(EXIT.CONFIG, (error as Error).message);
  }
  const problems = config.servers.filter((server) => server.problem !== undefined);
  if (values.json) {
    printJson({
      valid: problems.length === 0,
      file: config.file,
      format: config.format,
      servers: config.servers.map(({ name, transport, enabled, problem }) => ({
        name,
        transport,
        enabled,
        problem,
      })),
      warnings: config.warnings,
    });
  } else {
    for (const warning of config.warnings) note(`warning: ${warning}`);
    for (const server of problems) note(`error: ${server.problem}`);
    if (problems.length === 0) {
      process.stdout.write(
        `${config.file}: valid (${config.servers.length} servers, ${config.format} format)\n`,
      );
    }
  }
  return problems.length === 0 ? EXIT.OK : EXIT.CONFIG;
}
