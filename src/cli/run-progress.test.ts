import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkflowEvent } from '../workflows/events.ts';
import { duration, eventLine, RunProgress, runningRows } from './run-progress.ts';

const tools: Record<string, string> = { fetch: 'data__fetch', store: 'data__store' };
const toolOf = (step: string) => tools[step];
const step = (id: string, state: 'started' | 'succeeded' | 'failed' | 'skipped'): WorkflowEvent => ({
  type: 'step',
  runId: 'r',
  step: id,
  state,
});
const call = (id: string, attempt: number, state: 'started' | 'succeeded' | 'failed'): WorkflowEvent => ({
  type: 'call',
  runId: 'r',
  step: id,
  key: id,
  tool: tools[id] ?? '',
  attempt,
  state,
});

/** Collects what the display writes, as a terminal or a pipe would receive it. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (text: string) => chunks.push(text) };
}

describe('run progress', () => {
  it('writes one timestamped line per event when not on a terminal', () => {
    const out = sink(false);
    const progress = new RunProgress(out, toolOf, {
      now: () => new Date(2026, 0, 1, 12, 0, 1, 234).getTime(),
    });
    progress.handle(step('fetch', 'started'));
    progress.handle(call('fetch', 2, 'failed'));
    progress.stop();
    assert.deepEqual(out.chunks, [
      '12:00:01.234 step fetch started (data__fetch)\n',
      '12:00:01.234 call fetch attempt 2 failed (data__fetch)\n',
    ]);
  });

  it('on a terminal, keeps a row per running step and redraws it in place with its attempt', () => {
    let now = 0;
    const out = sink(true);
    const progress = new RunProgress(out, toolOf, { now: () => now, redrawMs: 60_000 });
    progress.handle(step('fetch', 'started'));
    progress.handle(step('store', 'started'));
    now = 1500;
    progress.handle(call('store', 2, 'started'));
    assert.equal(
      out.chunks.at(-1),
      '\x1b[2A\r\x1b[0J  … fetch  data__fetch  1.5 s\n  … store  data__store  1.5 s  attempt 2\n',
    );
    progress.handle(step('fetch', 'succeeded'));
    assert.equal(
      out.chunks.at(-1),
      '\x1b[2A\r\x1b[0J✓ fetch  1.5 s\n  … store  data__store  1.5 s  attempt 2\n',
    );
    progress.stop();
    assert.equal(out.chunks.at(-1), '\x1b[1A\r\x1b[0J', 'stop clears the rows left');
  });

  it('formats durations and rows', () => {
    assert.equal(duration(850), '850 ms');
    assert.equal(duration(1234), '1.2 s');
    assert.equal(duration(184_000), '3 min 4 s');
    assert.deepEqual(runningRows(new Map([['a', { tool: 't__x', since: 0, attempt: 1 }]]), 20), [
      '  … a  t__x  20 ms',
    ]);
    assert.equal(eventLine(step('x', 'skipped'), 0, () => undefined).endsWith('step x skipped'), true);
  });
});
