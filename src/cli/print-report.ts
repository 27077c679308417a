/** A run report for people: one line about the run, a table of its steps, then where the time went. */
import type { RunReport, StepReport } from '../workflows/report.ts';
import { printTable } from './output.ts';
import { duration } from './run-progress.ts';

/** Prints `report` on stdout. */
export function printReport(report: RunReport): void {
  const took =
    report.endedAt === undefined ? `${duration(report.wallMs)} so far` : `in ${duration(report.wallMs)}`;
  process.stdout.write(`run ${report.runId} (${report.workflow}): ${report.status} ${took}\n`);
  if (report.error) process.stdout.write(`error: ${report.error}\n`);
  process.stdout.write('\n');
  printTable(
    ['STEP', 'TOOL', 'SERVER', 'START', 'TIME', 'ATTEMPTS', 'OUTCOME'],
    report.steps.map((step) => [
      step.id,
      step.tool,
      step.server ?? '-',
      step.span ? `+${duration(step.span.startMs)}` : '-',
      step.durationMs === undefined ? '-' : duration(step.durationMs),
      step.calls === 0 ? '-' : String(step.attempts),
      outcome(step),
    ]),
  );
  const efficiency = report.parallelEfficiency;
  const lines = [
    '',
    `critical path: ${report.criticalPath.steps.join(' → ') || '-'} (${duration(report.criticalPath.ms)})`,
    `parallelism: at most ${report.maxParallelism} step${report.maxParallelism === 1 ? '' : 's'} at once, efficiency ${
      efficiency === undefined ? '-' : `${Math.round(efficiency * 100)}%`
    }`,
    `coordination overhead: ${duration(report.coordinationOverheadMs)}`,
    `retries: ${report.retries}`,
    `compensations: ${report.compensations.map((c) => `${c.step} (${c.outcome})`).join(', ') || 'none'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `succeeded`, `succeeded via fallback`, `failed: <message>`, plus `compensated` when it was undone. */
function outcome(step: StepReport): string {
  const parts: string[] = [step.outcome === 'not-run' ? 'not run (skipped or not reached)' : step.outcome];
  if (step.fallback) parts[0] += ` (fallback ${step.fallback})`;
  if (step.outcome === 'failed' && step.error) parts[0] += `: ${step.error}`;
  if (step.restarts > 0) parts.push(`restarted ${step.restarts}×`);
  if (step.compensation) parts.push(`compensation ${step.compensation.outcome}`);
  return parts.join(', ');
}
