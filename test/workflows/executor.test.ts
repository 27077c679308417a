// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/**
 * The executor against a real hub on fixture servers: order, parallelism, conditions, forEach, until,
 * retries, timeouts, fallback, compensation and capacity. Ordering is asserted on recorded events, never
 * on durations; the gate fixture makes "ran at the same time" a fact the run depends on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../../src/errors.ts';
import type { TestHub } from '../../src/testing/test-hub.ts';
import type { WorkflowEvent } from '../../src/workflows/events.ts';
import { parseWorkflow } from '../../src/workflows/load.ts';
import { callTrail, type Harness, harness, stepTrail, withFixtureHarness } from './_helpers.ts';

let hub: TestHub;
let h: Harness;
let dir: string;
withFixtureHarness((setup) => {
  ({ hub, h, dir } = setup);
});

const run = (yaml: string, inputs: Record<string, unknown> = {}) => {
  h.events.length = 0;
  return h.executor.run(parseWorkflow(yaml, 'test.yaml'), inputs);
};
const before_ = (trail: string[], a: string, b: string) => {
  assert.ok(trail.includes(a) && trail.includes(b), `${a} and ${b} both happened: ${trail.join(', ')}`);
  return trail.indexOf(a) < trail.indexOf(b);
};

describe('workflow executor on real servers', { timeout: 120_000 }, () => {
  it('starts independent branches at once and each step as soon as its needs finished', async () => {
    // `wait` only returns once `open` ran; `open` needs `first`. The run can only finish if `open` started
    // while `wait` was still in flight, i.e. without waiting for the whole previous level.
    const result = await run(`
name: dag
steps:
  first: { tool: echo__echo, args: { text: one } }
  wait: { tool: gate__wait, args: { key: dag } }
  open: { tool: gate__open, args: { key: dag }, needs: [first] }
  last:
    tool: echo__echo
    args: { text: "\${{ steps.first.result.text }}+\${{ steps.wait.result }}" }
outputs: { text: "\${{ steps.last.result.text }}" }
`);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { text: 'one+opened dag' });
    const trail = stepTrail(h.events);
    assert.ok(before_(trail, 'wait:started', 'first:succeeded'), 'both roots start before either ends');
    assert.ok(before_(trail, 'open:started', 'wait:succeeded'), 'open overlapped wait');
    assert.ok(before_(trail, 'wait:succeeded', 'last:started'), 'last waited for the step it references');
    assert.ok(before_(trail, 'first:succeeded', 'last:started'));
  });

  it('skips a step whose when is false, and the steps that need it', async () => {
    const result = await run(
      `
name: cond
inputs: { type: object, properties: { notify: { type: boolean } } }
steps:
  notify: { tool: echo__echo, args: { text: hi }, when: inputs.notify }
  after: { tool: echo__echo, args: { text: "\${{ steps.notify.result.text }}" } }
  always: { tool: echo__echo, args: { text: ok }, when: "!inputs.notify" }
`,
      { notify: false },
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(Object.fromEntries(result.steps), {
      notify: 'skipped',
      after: 'skipped',
      always: 'succeeded',
    });
    assert.deepEqual(callTrail(h.events), ['always:started', 'always:succeeded']);
  });

  it('runs forEach items with at most `concurrency` calls in flight, results in item order', async () => {
    const result = await run(
      `
name: each
inputs: { type: object, properties: { words: { type: array } } }
steps:
  shout:
    tool: echo__echo
    forEach: { items: inputs.words, concurrency: 2 }
    args: { text: "\${{ string(index) }}:\${{ item }}" }
outputs: { all: "\${{ steps.shout.result.map(r, r.text) }}" }
`,
      { words: ['a', 'b', 'c', 'd', 'e'] },
    );
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { all: ['0:a', '1:b', '2:c', '3:d', '4:e'] });
    let inFlight = 0;
    let most = 0;
    for (const event of h.events) {
      if (event.type !== 'call') continue;
      inFlight += event.state === 'started' ? 1 : -1;
      most = Math.max(most, inFlight);
    }
    assert.equal(most <= 2, true, `at most 2 in flight, saw ${most}`);
    assert.equal(callTrail(h.events).filter((c) => c.endsWith(':started')).length, 5);
  });

  it('repeats an until step until its condition holds, and fails after max calls', async () => {
    const done = await run(`
name: poll
steps:
  poll:
    tool: gate__hit
    args: { key: poll-a }
    until: { condition: "result.count >= 3", max: 10 }
outputs: { count: "\${{ steps.poll.result.count }}" }
`);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.outputs, { count: 3 });
    assert.deepEqual(
      callTrail(h.events).filter((c) => c.endsWith(':started')),
      ['poll#0:started', 'poll#1:started', 'poll#2:started'],
    );
    const exhausted = await run(`
name: poll-forever
steps:
  poll: { tool: gate__hit, args: { key: poll-b }, until: { condition: "result.count > 100", max: 2 } }
`);
    assert.equal(exhausted.status, 'failed');
    assert.match(exhausted.error ?? '', /until.condition still false after 2 calls/);
  });

  it('retries a failing call and records each attempt', async () => {
    // flaky --every 2: its 1st call succeeds, the 2nd fails, the 3rd succeeds.
    const result = await run(`
name: retry
steps:
  one: { tool: flaky__flaky }
  two: { tool: flaky__flaky, needs: [one], retry: { attempts: 3, delayMs: 1 } }
outputs: { two: "\${{ steps.two.result }}" }
`);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { two: 'ok 3' });
    const attempts = h.events.flatMap((e: WorkflowEvent) =>
      e.type === 'call' && e.key === 'two' && e.state !== 'started' ? [`${e.attempt}:${e.state}`] : [],
    );
    assert.deepEqual(attempts, ['1:failed', '2:succeeded']);
  });

  it('calls the fallback tool after a failure or a timeout', async () => {
    const result = await run(`
name: fallback
steps:
  broken:
    tool: broken__flaky
    retry: { attempts: 2, delayMs: 1 }
    fallback: { tool: echo__echo, args: { text: plan b } }
  hung:
    tool: slow__sleep
    args: { ms: 60000 }
    timeoutMs: 300
    fallback: { tool: echo__echo, args: { text: plan c } }
outputs: { b: "\${{ steps.broken.result.text }}", c: "\${{ steps.hung.result.text }}" }
`);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { b: 'plan b', c: 'plan c' });
    const trail = callTrail(h.events);
    assert.equal(trail.filter((c) => c === 'broken:failed').length, 2, 'both attempts failed first');
    assert.ok(trail.includes('broken:fallback:succeeded') && trail.includes('hung:fallback:succeeded'));
  });

  it('compensates the finished steps in reverse order when a later step fails', async () => {
    const result = await run(`
name: saga
steps:
  create:
    tool: gate__hit
    args: { key: saga-create }
    compensate: { tool: gate__hit, args: { key: "undo-\${{ result.key }}" } }
  charge:
    tool: gate__hit
    args: { key: saga-charge }
    needs: [create]
    compensate: { tool: gate__hit, args: { key: "undo-\${{ result.key }}" } }
  log: { tool: echo__echo, args: { text: no undo needed }, needs: [charge] }
  ship: { tool: echo__fail, args: { message: out of stock }, needs: [log] }
  notify: { tool: echo__echo, args: { text: never }, needs: [ship] }
`);
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /echo__fail returned an error: out of stock/);
    assert.deepEqual(result.compensated, ['charge', 'create']);
    assert.deepEqual(
      callTrail(h.events).filter((c) => c.includes(':compensate')),
      [
        'charge:compensate:started',
        'charge:compensate:succeeded',
        'create:compensate:started',
        'create:compensate:succeeded',
      ],
    );
    assert.equal(result.steps.get('ship'), 'failed');
    assert.equal(result.steps.has('notify'), false, 'nothing starts after a failure');
    const undone = await hub.hub.call({
      method: 'tools/call',
      params: { name: 'gate__count', arguments: { key: 'undo-saga-charge' } },
      signal: AbortSignal.timeout(10_000),
    });
    assert.deepEqual(undone.structuredContent, { key: 'undo-saga-charge', count: 1 });
  });

  it('goes on compensating after a compensation fails, and reports it', async () => {
    const result = await run(`
name: saga-broken-undo
steps:
  reserve:
    tool: gate__hit
    args: { key: reserve }
    compensate: { tool: gate__hit, args: { key: undo-reserve } }
  pay:
    tool: echo__echo
    args: { text: paid }
    needs: [reserve]
    compensate: { tool: echo__fail, args: { message: refund refused } }
  ship: { tool: broken__flaky, needs: [pay] }
`);
    assert.equal(result.status, 'failed');
    assert.deepEqual(result.compensated, ['reserve']);
    assert.match(
      result.error ?? '',
      /flaky failure .*; compensation failed: pay: echo__fail returned an error: refund refused$/,
    );
    assert.deepEqual(
      callTrail(h.events).filter((c) => c.includes(':compensate:started')),
      ['pay:compensate:started', 'reserve:compensate:started'],
    );
  });

  it('names each call in _meta with an idempotency key: run id and journal key', async () => {
    const result = await run(`
name: keyed
steps:
  once: { tool: gate__meta }
  each: { tool: gate__meta, forEach: { items: "[1, 2]" } }
outputs: { once: "\${{ steps.once.result }}", second: "\${{ steps.each.result[1] }}" }
`);
    assert.equal(result.status, 'succeeded');
    const outputs = result.outputs as Record<string, Record<string, unknown>>;
    assert.equal(outputs.once?.['toolmesh/idempotencyKey'], `${result.runId}/once`);
    assert.equal(outputs.second?.['toolmesh/idempotencyKey'], `${result.runId}/each[1]`);
  });

  it('holds calls to a server to its capacity', async () => {
    const limited = harness(hub, `${dir}/capacity.db`, { capacity: new Map([['slow', 1]]) });
    try {
      const result = await limited.executor.run(
        parseWorkflow(
          `
name: capacity
steps:
  x: { tool: slow__sleep, args: { ms: 20 } }
  y: { tool: slow__sleep, args: { ms: 20 } }
  z: { tool: echo__echo, args: { text: unlimited } }
`,
          'capacity.yaml',
        ),
        {},
      );
      assert.equal(result.status, 'succeeded');
      const slow = callTrail(limited.events).filter((c) => c.startsWith('x:') || c.startsWith('y:'));
      // One slot: whichever went first ended before the other was sent.
      assert.deepEqual(
        slow.map((c) => c.split(':')[1]),
        ['started', 'succeeded', 'started', 'succeeded'],
      );
    } finally {
      limited.runtime.close();
    }
  });

  it('refuses inputs that break the input schema', async () => {
    await assert.rejects(
      run(
        'name: typed\ninputs: { type: object, required: [n], properties: { n: { type: integer } } }\nsteps: {}\n',
        {
          n: 'x',
        },
      ),
      (error: unknown) =>
        HubError.is(error) && error.code === 'INVALID_REQUEST' && /\/n must be integer/.test(error.message),
    );
  });
});
