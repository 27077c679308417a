import { existsSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.ts';
import { loadWorkflow } from '../../workflows/load.ts';
import type { Workflow } from '../../workflows/model.ts';
import { argumentsFromPairs, jsonObjectFlag } from '../coerce.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { watchRun } from '../run-session.ts';
import { startWorkflowHub, type WorkflowHub } from '../workflow-host.ts';

export const summary = 'run a workflow with live progress and print its report';
export const help = `Usage: toolmesh run <file|name> [--input key=value ...] [--inputs JSON] [--config FILE] [--json]

Starts the configured servers, loads the workflow (a file path, or the name of one of the config's
workflows), checks it against the catalog, runs it with live progress on stderr and prints its report
(timeline, critical path, parallel efficiency, retries, compensations) and outputs; --json prints
{runId, status, outputs, error, steps, compensated, report} instead.
Inputs: --input key=value (repeatable; typed by the workflow's input schema), or --inputs with the whole
inputs object as JSON (--input values then override its keys).
The run is journaled in the store file (store.path). Ctrl-C stops it resumable: toolmesh runs resume <id>.
Exit code 0 when the run succeeded, 5 when it failed or needs a decision, 3 when the workflow does not
fit the catalog (file:line:col, field, fix), 2 for bad inputs, 130 when interrupted.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommand('run', argv, {
    input: { type: 'string', multiple: true },
    inputs: { type: 'string' },
  });
  const [target, ...extra] = positionals;
  if (target === undefined) throw new CliError(EXIT.USAGE, `missing the workflow file or name\n\n${help}`);
  if (extra.length > 0)
    throw new CliError(EXIT.USAGE, `unexpected "${extra[0]}": give inputs as --input key=value`);
  const config = await resolveConfig(values.config);
  // A file is read before any server starts, so a broken file fails at once.
  const fromFile = isPath(target) ? await load(target) : undefined;
  let started: WorkflowHub;
  try {
    started = await startWorkflowHub(config, values.verbose === true);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(EXIT.CONFIG, error.message);
    throw new CliError(EXIT.FAILURE, (error as Error).message);
  }
  try {
    const workflow = fromFile ?? byName(started, target);
    const given =
      values.inputs === undefined ? {} : jsonObjectFlag('--inputs', values.inputs, '{"email":"a@b.c"}');
    const inputs = { ...given, ...argumentsFromPairs(values.input ?? [], workflow.inputs) };
    return await watchRun(started, workflow, inputs, { json: values.json === true, config: values.config });
  } finally {
    await started.stop();
  }
}

/** A path when it names a file or looks like one; otherwise the name of a configured workflow. */
function isPath(target: string): boolean {
  return existsSync(target) || /[/\\]|\.(ya?ml|json)$/i.test(target);
}

async function load(file: string): Promise<Workflow> {
  try {
    return await loadWorkflow(file);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(EXIT.CONFIG, error.message);
    throw error;
  }
}

function byName({ workflows }: WorkflowHub, name: string): Workflow {
  const workflow = workflows.byName(name);
  if (workflow) return workflow;
  const known = workflows.list().map((w) => w.name);
  const hint =
    known.length > 0 ? `configured workflows: ${known.join(', ')}` : 'the config lists no workflows';
  throw new CliError(EXIT.USAGE, `no workflow file or configured workflow named "${name}" (${hint})`);
}
