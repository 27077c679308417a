/**
 * The workflow examples in `examples/` run as documented: each config loads, its fixture servers start,
 * every workflow it lists validates against the catalog, and running them gives the outputs the READMEs
 * show. Event times are taken when the executor reports them (not wall-clock durations of whole runs), so
 * overlap and ordering checks hold on a slow machine.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { loadConfig } from '../../src/config/load.ts';
import type { HubConfig } from '../../src/config/model.ts';
import { createTestHub, type TestHub } from '../../src/testing/test-hub.ts';
import type { WorkflowEvent } from '../../src/workflows/events.ts';
import type { RunResult } from '../../src/workflows/executor.ts';
import { loadWorkflow } from '../../src/workflows/load.ts';
import type { Workflow } from '../../src/workflows/model.ts';
import { validateWorkflow } from '../../src/workflows/validate.ts';
import { callTrail, type Harness, harness, scratchDir } from './_helpers.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');

interface Stamped {
  readonly event: WorkflowEvent;
  /** `performance.now()` when the executor reported the event. */
  readonly at: number;
}

interface Example {
  config: HubConfig;
  hub: TestHub;
  h: Harness;
  stamped: Stamped[];
  /** Workflows by name, loaded from the files the config lists. */
  workflows: Map<string, Workflow>;
}

const started = new Map<string, Promise<Example>>();
const scratch = scratchDir();
after(async () => {
  for (const example of started.values()) {
    const { h, hub } = await example.catch(() => ({ h: undefined, hub: undefined }));
    h?.runtime.close();
    await hub?.close();
  }
  scratch.remove();
});

/** The hub of `examples/<name>/toolmesh.yaml` with an executor on it; started once per file. */
function example(name: string): Promise<Example> {
  let running = started.get(name);
  if (!running) {
    running = (async () => {
      const config = await loadConfig(join(EXAMPLES, name, 'toolmesh.yaml'), process.env);
      const hub = await createTestHub(config.servers);
      const capacity = new Map(
        config.servers.flatMap((s) => (s.capacity ? [[s.name, s.capacity] as const] : [])),
      );
      const stamped: Stamped[] = [];
      const onEvent = (event: WorkflowEvent) => stamped.push({ event, at: performance.now() });
      const h = harness(hub, join(scratch.dir, `${name}.db`), { capacity, onEvent });
      const workflows = new Map<string, Workflow>();
      for (const file of config.workflows ?? []) {
        const workflow = await loadWorkflow(file);
        workflows.set(workflow.name, workflow);
      }
      return { config, hub, h, stamped, workflows };
    })();
    started.set(name, running);
  }
  return running;
}

async function run(ex: Example, workflow: string, inputs: Record<string, unknown>): Promise<RunResult> {
  const found = ex.workflows.get(workflow);
  assert.ok(found, `workflow ${workflow} is listed in the config`);
  return ex.h.executor.run(found, inputs);
}

/** The `structuredContent` of a direct `tools/call` through the hub. */
async function call(
  ex: Example,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = (await ex.hub.hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal: AbortSignal.timeout(30_000),
  })) as CallToolResult;
  assert.ok(!result.isError, JSON.stringify(result.content));
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}

/** Call events of one run, with the time each was reported. */
function callsOf(ex: Example, runId: string) {
  return ex.stamped.flatMap(({ event, at }) =>
    event.type === 'call' && event.runId === runId ? [{ ...event, at }] : [],
  );
}

/** When each of `steps` was started and when it succeeded (first call of each). */
function spans(ex: Example, runId: string, steps: readonly string[]) {
  const calls = callsOf(ex, runId);
  return steps.map((step) => {
    const start = calls.find((c) => c.step === step && c.state === 'started');
    const end = calls.find((c) => c.step === step && c.state === 'succeeded');
    assert.ok(start && end, `step ${step} has a started and a succeeded call`);
    return { step, start: start.at, end: end.at };
  });
}

/** Every span started before any ended: the calls were all in flight at once. */
function assertOverlap(spansOf: { step: string; start: number; end: number }[]): void {
  const lastStart = Math.max(...spansOf.map((s) => s.start));
  const firstEnd = Math.min(...spansOf.map((s) => s.end));
  assert.ok(lastStart < firstEnd, `expected overlap: ${JSON.stringify(spansOf)}`);
}

describe('example configs', { timeout: 120_000 }, () => {
  const dirs = readdirSync(EXAMPLES).filter((dir) => existsSync(join(EXAMPLES, dir, 'toolmesh.yaml')));

  it('every examples/*/toolmesh.yaml loads', async () => {
    assert.ok(dirs.length >= 3, `found ${dirs.join(', ')}`);
    for (const dir of dirs) await loadConfig(join(EXAMPLES, dir, 'toolmesh.yaml'), {});
  });

  it('every workflow an example lists exists and validates against its servers', async () => {
    let checked = 0;
    for (const dir of dirs) {
      const config = await loadConfig(join(EXAMPLES, dir, 'toolmesh.yaml'), {});
      if (!config.workflows) continue;
      const ex = await example(dir);
      assert.equal(ex.hub.hub.catalog.tools.size > 0, true, `${dir}: servers started`);
      assert.equal(ex.workflows.size, config.workflows.length, `${dir}: one workflow per file`);
      for (const workflow of ex.workflows.values()) {
        validateWorkflow(workflow, ex.hub.hub.catalog.tools);
        checked++;
      }
    }
    assert.ok(checked >= 3, `validated ${checked} workflows`);
  });
});

describe('examples/onboarding', { timeout: 120_000 }, () => {
  it('creates the user, queues the welcome mail and records the signup', async () => {
    const ex = await example('onboarding');
    const result = await run(ex, 'onboard-user', { email: 'ada@example.com', name: 'Ada' });
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assert.deepEqual(result.outputs, { userId: 1, messageId: 'msg-1', eventId: 'evt-1' });
    assert.deepEqual(result.compensated, []);
    assert.deepEqual(await call(ex, 'db__get_user', { email: 'ada@example.com' }), {
      found: true,
      user: { id: 1, email: 'ada@example.com', name: 'Ada' },
    });
  });

  it('on an analytics outage retries once, then cancels the mail and deletes the user, in that order', async () => {
    const ex = await example('onboarding');
    const result = await run(ex, 'onboard-user', {
      email: 'grace@example.com',
      name: 'Grace',
      simulateOutage: true,
    });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /analytics__track_event .*ingestion unavailable/);
    assert.equal(result.steps.get('signup_event'), 'failed');
    assert.deepEqual(result.compensated, ['welcome', 'user']);
    const trail = callTrail(callsOf(ex, result.runId));
    assert.deepEqual(trail, [
      'user:started',
      'user:succeeded',
      'welcome:started',
      'welcome:succeeded',
      'signup_event:started',
      'signup_event:failed',
      'signup_event:started', // the one retry
      'signup_event:failed',
      'welcome:compensate:started',
      'welcome:compensate:succeeded',
      'user:compensate:started',
      'user:compensate:succeeded',
    ]);
    // The compensations really undid the work on the servers.
    assert.deepEqual(await call(ex, 'db__get_user', { email: 'grace@example.com' }), { found: false });
    const mail = await call(ex, 'mail__get_message', { messageId: 'msg-2' });
    assert.deepEqual(mail, { messageId: 'msg-2', to: 'grace@example.com', status: 'cancelled' });
  });
});

describe('examples/data-pipeline', { timeout: 120_000 }, () => {
  it('runs the nightly report end to end with deterministic outputs', async () => {
    const ex = await example('data-pipeline');
    assert.equal(ex.hub.hub.catalog.tools.size, 24);
    const result = await run(ex, 'nightly-report', { asOf: '2026-12-01', environment: 'staging' });
    assert.equal(result.status, 'succeeded', result.error ?? '');
    const { etag, ...outputs } = result.outputs ?? {};
    assert.match(String(etag), /^[0-9a-f]{16}$/);
    assert.deepEqual(outputs, {
      report: 'mem://reports/nightly/2026-12-01.json',
      rows: 1617, // 1200 + 340 + 87 extracted, minus rows % 7 dropped per table by transform
      polls: 3,
      deployment: 'dep-1',
      url: 'https://staging.reports.example.test/dep-1',
      auditEntries: 4,
      announcement: 'chat-1',
    });
    assert.equal([...result.steps.values()].filter((s) => s === 'succeeded').length, 16);

    // The three extracts were in flight at the same time.
    assertOverlap(spans(ex, result.runId, ['extract_orders', 'extract_customers', 'extract_inventory']));

    // The job was polled until done: three job_status calls, one per stage.
    const calls = callsOf(ex, result.runId);
    const polls = calls.filter((c) => c.step === 'wait_job' && c.state === 'started').map((c) => c.key);
    assert.deepEqual(polls, ['wait_job#0', 'wait_job#1', 'wait_job#2']);

    // forEach ran one transform per extract; with 2 slots each of compute's 4, never more than two at once.
    let inFlight = 0;
    let peak = 0;
    for (const c of calls.filter((c) => c.step === 'transform')) {
      inFlight += c.state === 'started' ? 1 : -1;
      peak = Math.max(peak, inFlight);
    }
    assert.equal(calls.filter((c) => c.step === 'transform' && c.state === 'succeeded').length, 3);
    assert.equal(peak, 2);

    // The audit trail was written at each stage, in order.
    const audit = (await call(ex, 'security__list_audit', {})) as { entries: { action: string }[] };
    assert.deepEqual(
      audit.entries.map((e) => e.action),
      ['pipeline.started', 'data.extracted', 'report.stored', 'report.deployed'],
    );
    const stored = await call(ex, 'storage__get_object', {
      bucket: 'reports',
      key: 'nightly/2026-12-01.json',
    });
    assert.deepEqual(JSON.parse(String(stored.body)), {
      jobId: 'job-1',
      datasets: 3,
      rows: 1617,
      summary: '1617 rows from 3 datasets',
    });
  });
});

describe('examples/fan-out-search', { timeout: 120_000 }, () => {
  it('searches the three services at once and merges their hits', async () => {
    const ex = await example('fan-out-search');
    const result = await run(ex, 'search-everywhere', { query: 'export timeout' });
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assertOverlap(spans(ex, result.runId, ['docs', 'tickets', 'code']));
    const outputs = result.outputs as { hits: { source: string; id: string; score: number }[] };
    assert.deepEqual(
      outputs.hits.map((h) => `${h.source}:${h.id}:${h.score}`),
      [
        'docs:config-timeouts:1',
        'docs:retries:1',
        'tickets:T-1041:5',
        'tickets:T-1120:1',
        'code:src/export/job.ts:4',
        'code:src/http/client.ts:1',
      ],
    );
    assert.deepEqual(
      { ...result.outputs, hits: undefined },
      {
        hits: undefined,
        total: 6,
        bySource: { docs: 2, tickets: 2, code: 2 },
        strong: ['T-1041', 'src/export/job.ts'],
      },
    );
  });

  it('honours the limit and counts a service without hits as zero', async () => {
    const ex = await example('fan-out-search');
    const result = await run(ex, 'search-everywhere', { query: 'auth token', limit: 1 });
    assert.equal(result.status, 'succeeded', result.error ?? '');
    // docs has no match; code has two ("Token refresh", "Token bucket rate limits"), cut to the best one.
    assert.deepEqual(result.outputs?.bySource, { docs: 0, tickets: 1, code: 1 });
    const hits = result.outputs?.hits as { id: string }[];
    assert.deepEqual(
      hits.map((h) => h.id),
      ['T-1057', 'src/auth/refresh.ts'],
    );
    const none = await run(ex, 'search-everywhere', { query: 'kubernetes' });
    assert.deepEqual(none.outputs, {
      hits: [],
      total: 0,
      bySource: { docs: 0, tickets: 0, code: 0 },
      strong: [],
    });
  });
});
