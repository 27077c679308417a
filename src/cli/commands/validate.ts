import { formatIssue } from '../../config/config-error.ts';
import { findConfigFile, loadConfig } from '../../config/load.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand } from '../options.ts';
import { note, printJson } from '../output.ts';
import { checkWorkflows } from '../validate-workflows.ts';

export const summary = 'check a config file and its workflows';
export const help = `Usage: toolmesh validate [WORKFLOW.yaml ...] [--config FILE] [--offline] [--json]

Reads and validates the config (toolmesh.yaml|yml|json in the working directory by default), the
workflow files its "workflows" section names and any workflow files given as arguments.
Every problem names the file, the field (with its line) and the fix. Exit code 0 when valid, 3 when not.

Workflows are checked against the catalog: to know the tools, the configured servers are started for
the check and stopped after it. --offline starts nothing and checks everything but the tools (steps,
references, inputs, cycles). A config without workflows never starts anything.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommand('validate', argv, { offline: { type: 'boolean' } });
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
  const checked = await checkWorkflows(config, positionals, values.offline ?? false);
  const workflowIssues = [...checked.loadIssues, ...checked.workflows.flatMap((w) => w.issues)];
  const valid = problems.length === 0 && workflowIssues.length === 0;
  if (values.json) {
    printJson({
      valid,
      file: config.file,
      format: config.format,
      servers: config.servers.map(({ name, transport, enabled, problem }) => ({
        name,
        transport,
        enabled,
        problem,
      })),
      warnings: config.warnings,
      workflows: checked.workflows,
      workflowLoadIssues: checked.loadIssues,
      toolsChecked: checked.againstCatalog,
      serversDown: checked.serversDown,
    });
  } else {
    for (const warning of config.warnings) note(`warning: ${warning}`);
    for (const server of problems) note(`error: ${server.problem}`);
    for (const issue of workflowIssues) note(`error: ${formatIssue(issue)}`);
    if (checked.serversDown.length > 0) {
      note(`warning: not started, so their tools count as unknown: ${checked.serversDown.join(', ')}`);
    }
    if (problems.length === 0) {
      process.stdout.write(
        `${config.file}: valid (${config.servers.length} servers, ${config.format} format)\n`,
      );
    }
    for (const workflow of checked.workflows.filter((w) => w.issues.length === 0)) {
      const path = workflow.criticalPath.join(' → ');
      const tools = checked.againstCatalog ? '' : ', tools not checked (--offline)';
      process.stdout.write(
        `${workflow.file}: workflow ${workflow.name} valid (${workflow.steps} steps in ${workflow.levels} levels, critical path ${path}${tools})\n`,
      );
    }
  }
  return valid ? EXIT.OK : EXIT.CONFIG;
}
