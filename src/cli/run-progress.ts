/**
 * Live progress of one workflow run, fed its `WorkflowEvent`s. On a terminal: a line per finished step,
 * and below them one row per running step (id, tool, elapsed time, attempt) redrawn in place. Elsewhere
 * (a pipe, a CI log): one timestamped line per event, nothing redrawn.
 */
import type { StepState, WorkflowEvent } from '../workflows/events.ts';

/** Where progress goes: `process.stderr`, so stdout keeps only the report. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** A step being run, as its row shows it. */
export interface RunningStep {
  readonly tool: string;
  readonly since: number;
  readonly attempt: number;
}

/** `12:00:01.234` in local time. */
export function clockTime(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** One plain line for an event: `12:00:01.234 step fetch started (data__fetch)`. */
export function eventLine(
  event: WorkflowEvent,
  at: number,
  toolOf: (step: string) => string | undefined,
): string {
  if (event.type === 'step') {
    const tool = toolOf(event.step);
    return `${clockTime(at)} step ${event.step} ${event.state}${tool ? ` (${tool})` : ''}`;
  }
  return `${clockTime(at)} call ${event.key} attempt ${event.attempt} ${event.state} (${event.tool})`;
}

/** `850 ms`, `1.2 s`, `3 min 4 s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The rows of the running steps, aligned. */
export function runningRows(running: ReadonlyMap<string, RunningStep>, now: number): string[] {
  const width = Math.max(0, ...[...running.keys()].map((id) => id.length));
  const toolWidth = Math.max(0, ...[...running.values()].map((step) => step.tool.length));
  return [...running].map(([id, step]) => {
    const attempt = step.attempt > 1 ? `  attempt ${step.attempt}` : '';
    return `  … ${id.padEnd(width)}  ${step.tool.padEnd(toolWidth)}  ${duration(now - step.since)}${attempt}`;
  });
}

const MARK: Record<StepState, string> = { started: '…', succeeded: '✓', failed: '✗', skipped: '-' };

/** The display for one run; call `stop` when the run ended. */
export class RunProgress {
  readonly #out: ProgressOutput;
  readonly #toolOf: (step: string) => string | undefined;
  readonly #now: () => number;
  readonly #running = new Map<string, RunningStep>();
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    out: ProgressOutput,
    toolOf: (step: string) => string | undefined,
    options: { now?: () => number; redrawMs?: number } = {},
  ) {
    this.#out = out;
    this.#toolOf = toolOf;
    this.#now = options.now ?? Date.now;
    // Elapsed times tick on their own between events; unref'd, so it never keeps the CLI alive.
    if (out.isTTY) this.#timer = setInterval(() => this.#redraw(), options.redrawMs ?? 250).unref();
  }

  handle(event: WorkflowEvent): void {
    const now = this.#now();
    if (!this.#out.isTTY) {
      this.#out.write(`${eventLine(event, now, this.#toolOf)}\n`);
      return;
    }
    let finished: string | undefined;
    if (event.type === 'step' && event.state === 'started') {
      this.#running.set(event.step, { tool: this.#toolOf(event.step) ?? '', since: now, attempt: 1 });
    } else if (event.type === 'step') {
      const since = this.#running.get(event.step)?.since;
      this.#running.delete(event.step);
      const took = since === undefined ? '' : `  ${duration(now - since)}`;
      finished = `${MARK[event.state]} ${event.step}${took}`;
    } else if (event.state === 'started') {
      const step = this.#running.get(event.step);
      if (step && event.attempt > step.attempt)
        this.#running.set(event.step, { ...step, attempt: event.attempt });
    }
    this.#redraw(finished);
  }

  /** Clears the rows and stops redrawing. */
  stop(): void {
    clearInterval(this.#timer);
    this.#running.clear();
    if (this.#out.isTTY) this.#redraw();
  }

  /** Moves up over the rows drawn last, clears to the end of the screen, prints `line`, then the rows. */
  #redraw(line?: string): void {
    const rows = runningRows(this.#running, this.#now());
    const erase = this.#drawn > 0 ? `\x1b[${this.#drawn}A\r\x1b[0J` : '';
    const text = [...(line ? [line] : []), ...rows].map((row) => `${row}\n`).join('');
    if (erase || text) this.#out.write(erase + text);
    this.#drawn = rows.length;
  }
}
