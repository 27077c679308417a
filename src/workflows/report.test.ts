import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWorkflow } from './load.ts';
import { buildReport, longestMeasuredChain, parseKey, peakOverlap } from './report.ts';
import type { KeyTiming, RunHistory } from './run-history.ts';

// a → (b, c) → d: b is the slow branch; c retries once; d fails and b is compensated.
const workflow = parseWorkflow(
  `name: diamond
steps:
  a: { tool: data__fetch }
  b: { tool: data__store, needs: [a], compensate: { tool: data__delete } }
  c: { tool: mail__send, needs: [a], fallback: { tool: queue__put } }
  d: { tool: data__check, needs: [b, c] }
  e: { tool: data__never, needs: [d] }
`,
  'diamond.yaml',
);

const T0 = 1_000_000;
const key = (
  k: string,
  start: number,
  end: number | undefined,
  extra: Partial<KeyTiming> = {},
): KeyTiming => ({
  key: k,
  status: end === undefined ? 'started' : 'succeeded',
  starts: 1,
  attempts: 1,
  startedAt: T0 + start,
  endedAt: end === undefined ? undefined : T0 + end,
  ...extra,
});

const history: RunHistory = {
  id: 'run-1',
  workflow: 'diamond',
  file: 'diamond.yaml',
  status: 'failed',
  error: 'data__check returned an error: no',
  createdAt: T0,
  endedAt: T0 + 500,
  source: workflow.source,
  inputs: {},
  keys: [
    key('a', 10, 100),
    key('b', 110, 310),
    key('c', 110, 150, { status: 'failed', attempts: 2, error: { code: 'UPSTREAM_ERROR', message: 'down' } }),
    key('c:fallback', 150, 160),
    key('d', 320, 350, { status: 'failed', error: { code: 'UPSTREAM_ERROR', message: 'no' } }),
    key('b:compensate', 360, 400),
  ],
};

describe('run report', () => {
  const report = buildReport(history, workflow);
  const step = (id: string) => report.steps.find((s) => s.id === id);

  it('lays out each step: span, server from the tool name, attempts, fallback, compensation', () => {
    assert.deepEqual(
      report.steps.map((s) => [s.id, s.outcome]),
      [
        ['a', 'succeeded'],
        ['b', 'succeeded'],
        ['c', 'succeeded'],
        ['d', 'failed'],
        ['e', 'not-run'],
      ],
    );
    assert.deepEqual(step('b')?.span, { startMs: 110, endMs: 310 });
    assert.equal(step('b')?.server, 'data');
    assert.deepEqual(step('b')?.compensation, { startMs: 360, endMs: 400, outcome: 'succeeded' });
    assert.equal(step('c')?.fallback, 'succeeded');
    assert.equal(step('c')?.calls, 2);
    assert.equal(step('c')?.retries, 1);
    assert.equal(step('c')?.durationMs, 50);
    assert.equal(step('d')?.error, 'no');
    assert.equal(step('e')?.span, undefined);
  });

  it('finds the critical path by measured time and derives efficiency and overhead from it', () => {
    assert.deepEqual(report.criticalPath, { steps: ['a', 'b', 'd'], ms: 90 + 200 + 30 });
    assert.equal(report.wallMs, 500);
    assert.equal(report.maxParallelism, 2);
    // (90 + 200 + 50 + 30) / (500 × 2)
    assert.equal(report.parallelEfficiency, 370 / 1000);
    // 500 wall - 320 critical path - 40 compensation
    assert.equal(report.coordinationOverheadMs, 140);
    assert.equal(report.retries, 1);
    assert.deepEqual(report.compensations, [{ step: 'b', outcome: 'succeeded' }]);
  });

  it('prefers the catalog for servers and reports an interrupted run with calls in flight', () => {
    const tools = new Map([['data__store', { server: 'db-primary' }]]) as never;
    const unfinished = {
      ...history,
      status: 'running' as const,
      endedAt: undefined,
      keys: [key('a', 0, 40), key('b', 50, undefined)],
    };
    const partial = buildReport(unfinished, workflow, tools);
    assert.equal(partial.steps.find((s) => s.id === 'b')?.server, 'db-primary');
    assert.equal(partial.steps.find((s) => s.id === 'b')?.outcome, 'in-flight');
    assert.equal(partial.wallMs, 50, 'an unfinished run measures up to its last journaled event');
  });

  it('parses journal keys to their step and kind', () => {
    assert.deepEqual(parseKey('fetch[2]#3:fallback'), { step: 'fetch', kind: 'fallback' });
    assert.deepEqual(parseKey('poll#0'), { step: 'poll', kind: 'call' });
    assert.deepEqual(parseKey('user:compensate'), { step: 'user', kind: 'compensate' });
  });

  it('counts overlap strictly and picks the heavier branch', () => {
    assert.equal(
      peakOverlap([
        { startMs: 0, endMs: 10 },
        { startMs: 10, endMs: 20 },
      ]),
      1,
    );
    assert.equal(peakOverlap([{ startMs: 0, endMs: 10 }, { startMs: 5 }, { startMs: 9, endMs: 12 }]), 3);
    const chain = longestMeasuredChain(
      workflow,
      new Map([
        ['a', 1],
        ['c', 50],
        ['b', 5],
        ['d', 1],
      ]),
    );
    assert.deepEqual(chain, { steps: ['a', 'c', 'd'], ms: 52 });
  });
});
