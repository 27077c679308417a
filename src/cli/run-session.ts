/**
 * One workflow run watched from the terminal, for `toolmesh run` and `toolmesh runs resume`: live progress
 * on stderr, the report (or JSON) on stdout at the end, Ctrl-C leaving the run resumable.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../config/config-error.ts';
import { HubError } from '../errors.ts';
import type { RunResult } from '../workflows/executor.ts';
import type { Workflow } from '../workflows/model.ts';
import { buildReport } from '../workflows/report.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { note, printJson } from './output.ts';
import { printReport } from './print-report.ts';
import { RunProgress } from './run-progress.ts';
import type { WorkflowHub } from './workflow-host.ts';

export interface WatchOptions {
  /** Resume this run instead of starting a new one. */
  readonly runId?: string;
  readonly json: boolean;
  /** The `--config` given, repeated in the resume hint. */
  readonly config?: string;
}

/**
 * Runs `workflow` on `started` and reports it. Exit code 0 when the run succeeded, 5 when it failed or
 * needs a decision, 130 when interrupted with Ctrl-C.
 * @throws CliError `CONFIG` when the workflow does not fit the catalog, `USAGE` for inputs that break its schema.
 */
export async function watchRun(
  started: WorkflowHub,
  workflow: Workflow,
  inputs: Record<string, unknown>,
  options: WatchOptions,
): Promise<ExitCode> {
  const { hub, workflows } = started;
  const runId = options.runId ?? randomUUID();
  const config = options.config ? ` --config ${options.config}` : '';
  const progress = new RunProgress(process.stderr, (step) => workflow.steps.get(step)?.tool);
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once('SIGINT', onSigint);
  let result: RunResult;
  try {
    result = await workflows.executor.run(workflow, inputs, {
      runId,
      signal: interrupted.signal,
      onEvent: (event) => progress.handle(event),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(EXIT.CONFIG, error.message + notReady(started));
    if (HubError.is(error) && error.code === 'INVALID_REQUEST') throw new CliError(EXIT.USAGE, error.message);
    if (HubError.is(error) && error.code === 'CANCELLED' && interrupted.signal.aborted) {
      progress.stop();
      note(`run ${runId} interrupted; it is resumable: toolmesh runs resume ${runId}${config}`);
      return EXIT.INTERRUPTED;
    }
    throw error;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const history = started.journal.runHistory(runId);
  const report = history && buildReport(history, workflow, hub.catalog.tools);
  if (options.json) {
    printJson({ ...result, steps: Object.fromEntries(result.steps), report });
  } else {
    if (report) printReport(report);
    if (result.outputs) process.stdout.write(`\noutputs:\n${JSON.stringify(result.outputs, null, 2)}\n`);
  }
  if (result.status === 'needs-decision') {
    note(
      `run ${runId} needs a decision: call the interrupted step again with "toolmesh runs resume ${runId}${config}", or undo the run with "toolmesh runs abort ${runId}${config}"`,
    );
  }
  return result.status === 'succeeded' ? EXIT.OK : EXIT.TOOL_ERROR;
}

/** A hint for a workflow refused for unknown tools: servers that are down list no tools. */
function notReady({ hub }: WorkflowHub): string {
  const down = hub.servers().filter((s) => s.state !== 'ready' && s.state !== 'disabled');
  if (down.length === 0) return '';
  const names = down.map((s) => s.name).join(', ');
  return `\nnot ready: ${names} (a server that is down lists no tools; "toolmesh servers" says why)`;
}
