/**
 * The admin API's workflow runs: the list, a run's report, and the live event stream (Server-Sent
 * Events) of a real run on fixture servers, over real HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import type { WorkflowEvent } from '../src/workflows/events.ts';
import type { RunReport } from '../src/workflows/report.ts';
import { stdioFixture } from './fixtures/spawn.ts';

const FANOUT = resolve(import.meta.dirname, 'fixtures/workflows/fanout.yaml');

/**
 * Reads SSE frames from `url` until `enough` says so (checked once the stream said it is open); `onOpen`
 * runs when it does.
 */
async function readEvents(
  url: string,
  onOpen: () => void,
  enough: (events: WorkflowEvent[]) => boolean,
): Promise<WorkflowEvent[]> {
  const stop = new AbortController();
  const response = await fetch(url, { signal: stop.signal });
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: WorkflowEvent[] = [];
  let buffer = '';
  let opened = false;
  while (!opened || !enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const frames = buffer.split('\n\n');
    buffer = frames.pop() ?? '';
    for (const frame of frames) {
      if (frame.startsWith(': open') && !opened) {
        opened = true;
        onOpen();
      }
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      const type = /^event: (.*)$/m.exec(frame)?.[1];
      if (data) {
        const event = JSON.parse(data) as WorkflowEvent;
        assert.equal(type, event.type);
        events.push(event);
      }
    }
  }
  stop.abort();
  return events;
}

describe('admin API: workflow runs', () => {
  let testHub: TestHub;
  let workflows: NonNullable<TestHub['hub']['workflows']>;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'toolmesh-admin-runs-'));

  before(async () => {
    testHub = await createTestHub(
      [
        { name: 'echo', ...stdioFixture('echo') },
        { name: 'slow', ...stdioFixture('slow') },
      ],
      { http: true, storePath: join(dir, 'state.db'), orchestration: { workflows: [FANOUT] } },
    );
    workflows = testHub.hub.workflows as typeof workflows;
    base = `http://127.0.0.1:${testHub.http?.port}/api/v1/runs`;
  });
  after(async () => {
    await testHub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams the events of a run as they happen, then lists it and answers its report', async () => {
    const workflow = workflows.byName('fanout');
    assert.ok(workflow);
    let run: ReturnType<typeof workflows.executor.run> | undefined;
    const events = await readEvents(
      `${base}/events`,
      () => {
        run = workflows.executor.run(workflow, { text: 'sse' });
      },
      (seen) => seen.some((e) => e.type === 'step' && e.step === 'join' && e.state === 'succeeded'),
    );
    const result = await run;
    assert.equal(result?.status, 'succeeded');
    assert.ok(events.every((event) => event.runId === result?.runId));
    const steps = events.flatMap((e) => (e.type === 'step' ? [`${e.step}:${e.state}`] : []));
    for (const id of ['greet', 'left', 'right', 'join']) {
      assert.ok(steps.includes(`${id}:started`) && steps.includes(`${id}:succeeded`), id);
    }
    assert.ok(steps.indexOf('greet:succeeded') < steps.indexOf('left:started'));
    assert.ok(events.some((e) => e.type === 'call' && e.key === 'left' && e.state === 'succeeded'));

    const list = (await (await fetch(base)).json()) as { runs: { id: string; status: string }[] };
    assert.deepEqual(list.runs.find((r) => r.id === result?.runId)?.status, 'succeeded');
    const report = (await (await fetch(`${base}/${result?.runId}`)).json()) as RunReport;
    assert.equal(report.status, 'succeeded');
    assert.deepEqual(report.steps.map((s) => [s.id, s.server]).sort(), [
      ['greet', 'echo'],
      ['join', 'echo'],
      ['left', 'slow'],
      ['right', 'slow'],
    ]);
  });

  it('streams the events of one run with ?run=, leaving out a run going on beside it', async () => {
    const workflow = workflows.byName('fanout');
    assert.ok(workflow);
    const runs: Promise<unknown>[] = [];
    const events = await readEvents(
      `${base}/events?run=chosen`,
      () => {
        runs.push(workflows.executor.run(workflow, { text: 'other' }));
        runs.push(workflows.executor.run(workflow, { text: 'mine' }, { runId: 'chosen' }));
      },
      (seen) => seen.some((e) => e.type === 'step' && e.step === 'join' && e.state === 'succeeded'),
    );
    await Promise.all(runs);
    assert.ok(events.some((e) => e.type === 'step' && e.step === 'greet' && e.state === 'started'));
    assert.deepEqual([...new Set(events.map((e) => e.runId))], ['chosen']);
  });

  it('lets go of a stream the client closed', async () => {
    let listening = 0;
    await readEvents(
      `${base}/events`,
      () => {
        listening = workflows.events.listenerCount('event');
      },
      () => true,
    );
    assert.equal(listening, 1);
    for (let i = 0; i < 200 && workflows.events.listenerCount('event') > 0; i++) await sleep(25);
    assert.equal(workflows.events.listenerCount('event'), 0);
  });

  it('answers 404 for an unknown run and 400 for an unknown status', async () => {
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'UNKNOWN_RUN');
    const bad = await fetch(`${base}?status=done`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /running, succeeded/);
  });
});
