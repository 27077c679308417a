/**
 * Durability: a run interrupted mid-step (its executor abandoned, as a crash would) resumes from the
 * journal in a new executor on the same SQLite file. Finished steps are not called again; the step that
 * was in flight is re-run only when idempotent, otherwise the run waits for a decision.
 */
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { HubError } from '../../src/errors.ts';
import type { TestHub } from '../../src/testing/test-hub.ts';
import type { WorkflowEvent } from '../../src/workflows/events.ts';
import { parseWorkflow } from '../../src/workflows/load.ts';
import { callTrail, fixtureHub, harness, scratchDir } from './_helpers.ts';

let hub: TestHub;
const scratch = scratchDir();
before(async () => {
  hub = await fixtureHub();
});
after(async () => {
  await hub.close();
  scratch.remove();
});

const workflowText = (tag: string, idempotent: boolean) => `
name: resumable-${tag}
steps:
  first: { tool: gate__hit, args: { key: ${tag}-first } }
  middle:
    tool: gate__wait
    args: { key: ${tag} }
    needs: [first]
    idempotent: ${idempotent}
  last: { tool: gate__hit, args: { key: "${tag}-last-\${{ steps.first.result.count }}" }, needs: [middle] }
outputs: { last: "\${{ steps.last.result.key }}" }
`;

async function call(name: string, args: Record<string, unknown>) {
  return hub.hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal: AbortSignal.timeout(10_000),
  });
}
const count = async (key: string) =>
  ((await call('gate__count', { key })).structuredContent as { count: number }).count;

/** Starts `text`, abandons it once `ready` saw the events it waits for, and returns the run id. */
async function interruptWhen(
  file: string,
  text: string,
  ready: (events: readonly WorkflowEvent[]) => boolean,
): Promise<string> {
  const controller = new AbortController();
  let runId = '';
  const { promise: reached, resolve } = Promise.withResolvers<void>();
  const first = harness(hub, file, {
    onEvent: (event) => {
      runId = event.runId;
      if (ready(first.events)) resolve();
    },
  });
  const running = first.executor.run(
    parseWorkflow(text, 'resumable.yaml'),
    {},
    { signal: controller.signal },
  );
  await reached;
  controller.abort();
  await assert.rejects(running, (error: unknown) => HubError.is(error) && error.code === 'CANCELLED');
  first.runtime.close();
  return runId;
}

/** Abandons the run while `middle` is in flight. */
const interrupt = (file: string, tag: string, idempotent: boolean) =>
  interruptWhen(file, workflowText(tag, idempotent), (events) =>
    callTrail(events).includes('middle:started'),
  );

describe('durable runs on the SQLite journal', { timeout: 120_000 }, () => {
  it('resumes an interrupted run: finished steps are not re-run, an idempotent in-flight step is', async () => {
    const file = `${scratch.dir}/resume.db`;
    const runId = await interrupt(file, 'r1', true);
    await call('gate__open', { key: 'r1' }); // the resumed `middle` may now finish

    const second = harness(hub, file);
    try {
      assert.deepEqual(
        second.runtime.unfinished().map((run) => run.id),
        [runId],
      );
      const [settled] = await second.executor.resumeAll();
      const result = settled?.status === 'fulfilled' ? settled.value : assert.fail(String(settled));
      assert.equal(result?.status, 'succeeded');
      assert.deepEqual(result?.outputs, { last: 'r1-last-1' }, 'last used the journaled result of first');
      assert.equal(await count('r1-first'), 1, 'first ran once, before the interruption');
      const starts = Object.fromEntries(second.runtime.history(runId).map((step) => [step.key, step.starts]));
      assert.deepEqual(starts, { first: 1, middle: 2, last: 1 });
      assert.equal(second.runtime.run(runId)?.status, 'succeeded');
      assert.deepEqual(second.runtime.unfinished(), []);
      assert.deepEqual(
        second.events.filter((e) => e.type === 'call').map((e) => e.type === 'call' && `${e.key}:${e.state}`),
        ['middle:started', 'middle:succeeded', 'last:started', 'last:succeeded'],
        'only the unfinished steps called their tools again',
      );
    } finally {
      second.runtime.close();
    }
  });

  it('marks the run for a decision when a non-idempotent step was in flight', async () => {
    const file = `${scratch.dir}/decide.db`;
    const runId = await interrupt(file, 'r2', false);
    const second = harness(hub, file);
    try {
      const [settled] = await second.executor.resumeAll();
      const result = settled?.status === 'fulfilled' ? settled.value : assert.fail(String(settled));
      assert.equal(result?.status, 'needs-decision');
      assert.match(result?.error ?? '', /step middle was in flight .* not idempotent/);
      assert.equal(second.runtime.run(runId)?.status, 'needs-decision');
      assert.deepEqual(
        second.events.filter((e) => e.type === 'call'),
        [],
        'no tool was called again',
      );
      assert.equal(await count('r2-last-1'), 0);
      assert.deepEqual(second.runtime.unfinished(), [], 'a run waiting for a decision is not resumed again');
    } finally {
      second.runtime.close();
    }
  });

  it('resumes a forEach step, calling again only the item that was in flight', async () => {
    const file = `${scratch.dir}/each.db`;
    await call('gate__open', { key: 'fe-a' });
    await call('gate__open', { key: 'fe-c' });
    const text = `
name: each-resume
steps:
  each:
    tool: gate__wait
    forEach: { items: '["fe-a", "fe-b", "fe-c"]', concurrency: 3 }
    args: { key: "\${{ item }}" }
    idempotent: true
outputs: { all: "\${{ steps.each.result }}" }
`;
    const runId = await interruptWhen(file, text, (events) => {
      const trail = callTrail(events);
      return ['each[0]:succeeded', 'each[1]:started', 'each[2]:succeeded'].every((c) => trail.includes(c));
    });
    await call('gate__open', { key: 'fe-b' });
    const second = harness(hub, file);
    try {
      const [settled] = await second.executor.resumeAll();
      const result = settled?.status === 'fulfilled' ? settled.value : assert.fail(String(settled));
      assert.deepEqual(result.outputs, { all: ['opened fe-a', 'opened fe-b', 'opened fe-c'] });
      assert.deepEqual(callTrail(second.events), ['each[1]:started', 'each[1]:succeeded']);
      const starts = Object.fromEntries(second.runtime.history(runId).map((step) => [step.key, step.starts]));
      assert.deepEqual(starts, { 'each[0]': 1, 'each[1]': 2, 'each[2]': 1 });
    } finally {
      second.runtime.close();
    }
  });

  it('resumes an until loop without waiting again for the delays of journaled iterations', async () => {
    const file = `${scratch.dir}/until.db`;
    // An hour between polls: the test can only finish if the resumed loop does not wait after replaying.
    const text = `
name: until-resume
steps:
  poll:
    tool: gate__hit
    args: { key: until-resume }
    until: { condition: "result.count >= 2", max: 5, delayMs: 3600000 }
outputs: { count: "\${{ steps.poll.result.count }}" }
`;
    const runId = await interruptWhen(file, text, (events) => callTrail(events).includes('poll#0:succeeded'));
    const second = harness(hub, file);
    try {
      const [settled] = await second.executor.resumeAll();
      const result = settled?.status === 'fulfilled' ? settled.value : assert.fail(String(settled));
      assert.deepEqual(result.outputs, { count: 2 });
      assert.deepEqual(callTrail(second.events), ['poll#1:started', 'poll#1:succeeded']);
      assert.deepEqual(
        second.runtime.history(runId).map((step) => step.key),
        ['poll#0', 'poll#1'],
      );
    } finally {
      second.runtime.close();
    }
  });

  it('keeps the journal in WAL mode and replays a finished run without calling anything', async () => {
    const file = `${scratch.dir}/replay.db`;
    const first = harness(hub, file);
    const workflow = parseWorkflow(workflowText('r3', true), 'r3.yaml');
    await call('gate__open', { key: 'r3' });
    const done = await first.executor.run(workflow, {}, { runId: 'fixed-id' });
    assert.equal(done.status, 'succeeded');
    first.events.length = 0;
    // Running the same run id again reads every step from the journal.
    const again = await first.executor.run(workflow, {}, { runId: 'fixed-id' });
    assert.deepEqual(again.outputs, done.outputs);
    assert.deepEqual(
      first.events.filter((e) => e.type === 'call'),
      [],
    );
    assert.equal(await count('r3-first'), 1);
    first.runtime.close();
    const db = new DatabaseSync(file);
    try {
      assert.deepEqual({ ...db.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
    } finally {
      db.close();
    }
  });
});
