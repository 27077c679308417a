/**
 * Shared setup of the workflow tests: a real hub on the fixture servers (stdio), an executor on a
 * journal in a temporary directory, and the events it reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { createTestHub, type TestHub } from '../../src/testing/test-hub.ts';
import type { WorkflowEvent } from '../../src/workflows/events.ts';
import { type ExecutorOptions, WorkflowExecutor } from '../../src/workflows/executor.ts';
import { SqliteRuntime } from '../../src/workflows/sqlite-runtime.ts';
import { stdioFixture } from '../fixtures/spawn.ts';

/** Starts a hub with echo, slow, gate and flaky (`--every 2`: calls 2, 4, ... fail) over stdio. */
export function fixtureHub(): Promise<TestHub> {
  return createTestHub([
    { name: 'echo', ...stdioFixture('echo') },
    { name: 'slow', ...stdioFixture('slow') },
    { name: 'gate', ...stdioFixture('gate') },
    { name: 'flaky', ...stdioFixture('flaky', ['--every', '2']) },
    { name: 'broken', ...stdioFixture('flaky', ['--every', '1']) },
  ]);
}

/** A scratch directory removed by the returned function. */
export function scratchDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'toolmesh-wf-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Harness {
  executor: WorkflowExecutor;
  runtime: SqliteRuntime;
  events: WorkflowEvent[];
}

/** An executor on `hub` with a journal at `file`, recording every event (and passing it to `options.onEvent`). */
export function harness(hub: TestHub, file: string, options: Partial<ExecutorOptions> = {}): Harness {
  const runtime = new SqliteRuntime(file);
  const events: WorkflowEvent[] = [];
  const executor = new WorkflowExecutor({
    call: hub.hub.call,
    tools: () => hub.hub.catalog.tools,
    runtime,
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return { executor, runtime, events };
}

/** `"<step>:<state>"` for each step event, in order, e.g. `['a:started', 'b:started', 'a:succeeded']`. */
export function stepTrail(events: readonly WorkflowEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'step' ? [`${e.step}:${e.state}`] : []));
}

/** `"<key>:<state>"` for each call event, in order. */
export function callTrail(events: readonly WorkflowEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'call' ? [`${e.key}:${e.state}`] : []));
}

/**
 * Registers `before`/`after` hooks for a test file: a `fixtureHub` and a `harness` journaling to a scratch
 * directory (`dir`, for more journals), handed to `ready` once started, and everything closed and removed afterwards.
 */
export function withFixtureHarness(ready: (setup: { hub: TestHub; h: Harness; dir: string }) => void): void {
  let hub: TestHub | undefined;
  let h: Harness | undefined;
  const scratch = scratchDir();
  before(async () => {
    hub = await fixtureHub();
    h = harness(hub, `${scratch.dir}/journal.db`);
    ready({ hub, h, dir: scratch.dir });
  });
  after(async () => {
    h?.runtime.close();
    await hub?.close();
    scratch.remove();
  });
}
