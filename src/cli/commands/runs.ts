import { ConfigError } from '../../config/config-error.ts';
import { abortRun } from '../../workflows/abort-run.ts';
import type { RunStatus } from '../../workflows/durable.ts';
import { parseWorkflow } from '../../workflows/load.ts';
import { buildReport } from '../../workflows/report.ts';
import { openRunHistory, RUN_STATUSES, type RunHistoryReader } from '../../workflows/run-history.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { note, printJson, printTable } from '../output.ts';
import { printReport } from '../print-report.ts';
import { duration } from '../run-progress.ts';
import { watchRun } from '../run-session.ts';
import { startWorkflowHub, type WorkflowHub } from '../workflow-host.ts';

export const summary = 'list workflow runs, show a run report, resume or abort a run';
export const help = `Usage: toolmesh runs list [--status S] [--json] [--store FILE]
       toolmesh runs show <id> [--json] [--store FILE]
       toolmesh runs resume <id> [--config FILE] [--json]
       toolmesh runs abort <id> [--config FILE]

list    runs in the journal, newest first; --status running|succeeded|failed|needs-decision
show    a run's report: timeline per step, critical path, parallel efficiency, coordination overhead,
        retries, compensations
resume  continue an unfinished run, or one that needs a decision (the step that was in flight is called
        again); starts the configured servers
abort   end an unfinished run as failed, compensating the steps that succeeded (when its workflow still
        fits the catalog; otherwise the run is only marked failed); starts the configured servers

The journal is the store file (store.path of the config; --store FILE overrides it for list and show).
list and show read it without starting servers, also while a hub runs on it. resume and abort need the
journal to themselves: stop a hub using the same store first.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommand('runs', argv, {
    status: { type: 'string' },
    store: { type: 'string' },
  });
  const [action, id] = positionals;
  const json = values.json === true;
  if (action === 'list') {
    const status = values.status as RunStatus | undefined;
    if (status !== undefined && !RUN_STATUSES.includes(status)) {
      throw new CliError(EXIT.USAGE, `--status must be one of ${RUN_STATUSES.join(', ')}`);
    }
    return withReader(values, (reader) => list(reader, status, json));
  }
  if (action !== 'show' && action !== 'resume' && action !== 'abort') {
    throw new CliError(EXIT.USAGE, `expected list, show, resume or abort\n\n${help}`);
  }
  if (id === undefined) throw new CliError(EXIT.USAGE, `missing the run id: toolmesh runs ${action} <id>`);
  if (action === 'show') return withReader(values, (reader) => show(reader, id, json));
  const started = await startHub(values.config, values.verbose === true);
  try {
    return action === 'resume'
      ? await resume(started, id, json, values.config)
      : await abort(started, id, values.config);
  } finally {
    await started.stop();
  }
}

async function withReader(
  values: { config?: string; store?: string },
  use: (reader: RunHistoryReader) => ExitCode,
): Promise<ExitCode> {
  const path = values.store ?? (await resolveConfig(values.config)).store?.path ?? ':memory:';
  let reader: RunHistoryReader;
  try {
    reader = openRunHistory(path);
  } catch (error) {
    throw new CliError(EXIT.FAILURE, `cannot read the workflow journal ${path}: ${(error as Error).message}`);
  }
  try {
    return use(reader);
  } finally {
    reader.close();
  }
}

function list(reader: RunHistoryReader, status: RunStatus | undefined, json: boolean): ExitCode {
  const runs = reader.list({ status });
  if (json) printJson({ runs });
  else if (runs.length === 0) note(status ? `no ${status} runs` : 'no runs');
  else {
    printTable(
      ['ID', 'WORKFLOW', 'STATUS', 'STARTED', 'TOOK', 'ERROR'],
      runs.map((r) => [
        r.id,
        r.workflow,
        r.status,
        new Date(r.createdAt).toISOString(),
        r.endedAt === undefined ? '-' : duration(r.endedAt - r.createdAt),
        r.error?.split('\n')[0]?.slice(0, 80) ?? '',
      ]),
    );
  }
  return EXIT.OK;
}

function show(reader: RunHistoryReader, id: string, json: boolean): ExitCode {
  const history = reader.get(id);
  if (!history)
    throw new CliError(EXIT.USAGE, `no run ${id} in the journal; "toolmesh runs list" shows the runs`);
  const report = buildReport(history, parseWorkflow(history.source, history.file));
  if (json) printJson(report);
  else printReport(report);
  return EXIT.OK;
}

async function startHub(config: string | undefined, verbose: boolean): Promise<WorkflowHub> {
  try {
    return await startWorkflowHub(await resolveConfig(config), verbose);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = error instanceof ConfigError ? EXIT.CONFIG : EXIT.FAILURE;
    throw new CliError(code, (error as Error).message);
  }
}

/** The run `id` when it is still open (running or needing a decision). @throws CliError `USAGE` otherwise. */
function openRun(started: WorkflowHub, id: string, action: 'resume' | 'abort') {
  const history = started.journal.runHistory(id);
  if (!history)
    throw new CliError(EXIT.USAGE, `no run ${id} in the journal; "toolmesh runs list" shows the runs`);
  if (history.status === 'succeeded' || history.status === 'failed') {
    throw new CliError(
      EXIT.USAGE,
      `run ${id} already ended (${history.status}); there is nothing to ${action}`,
    );
  }
  return history;
}

async function resume(started: WorkflowHub, id: string, json: boolean, config?: string): Promise<ExitCode> {
  const history = openRun(started, id, 'resume');
  // The decision for a step that was in flight: call it again.
  if (history.status === 'needs-decision') started.journal.reopen(id);
  const workflow = parseWorkflow(history.source, history.file);
  return watchRun(started, workflow, history.inputs, { runId: id, json, config });
}

async function abort(started: WorkflowHub, id: string, config?: string): Promise<ExitCode> {
  const { hub, journal } = started;
  openRun(started, id, 'abort');
  const outcome = await abortRun(id, {
    call: hub.call,
    tools: () => hub.catalog.tools,
    runtime: journal,
  });
  if (!outcome.compensated) {
    note(`run ${id} marked failed without compensation: ${outcome.reason}`);
    return EXIT.OK;
  }
  const { result } = outcome;
  const undone =
    result.compensated.length > 0 ? `compensated: ${result.compensated.join(', ')}` : 'nothing to compensate';
  note(
    `run ${id} aborted (${result.status}); ${undone}${result.error?.includes('compensation failed') ? `; ${result.error}` : ''}`,
  );
  note(`report: toolmesh runs show ${id}${config ? ` --config ${config}` : ''}`);
  return result.status === 'failed' && !result.error?.includes('compensation failed')
    ? EXIT.OK
    : EXIT.TOOL_ERROR;
}
