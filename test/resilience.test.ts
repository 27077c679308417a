/**
 * Resilience policies against real fixture processes: the circuit breaker of a single-replica server
 * (CIRCUIT_OPEN, then trial calls and recovery), retries on another replica only for idempotent tools,
 * and fallback tools.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Result } from '@modelcontextprotocol/client';
import { resolveResilience } from '../src/config/resilience.ts';
import { HubError } from '../src/errors.ts';
import type { Hub } from '../src/hub.ts';
import { FALLBACK_META_KEY } from '../src/resilience/fallback.ts';
import { createTestHub, type TestHub, testReplica } from '../src/testing/test-hub.ts';
import { textOf, waitFor } from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

const fixture = (name: string, ...args: string[]) => ({
  command: nodeBin,
  args: [fixturePath(name), '--stdio', ...args],
});

function call(hub: Hub, name: string, args: Record<string, unknown> = {}): Promise<Result> {
  return hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal: AbortSignal.timeout(30_000),
  });
}

/** The call's result text, or its error's code and message. */
async function outcome(hub: Hub, name: string, args: Record<string, unknown> = {}): Promise<string> {
  return call(hub, name, args).then(
    (result) => textOf(result),
    (error: unknown) => (HubError.is(error) ? `${error.code}: ${error.message}` : String(error)),
  );
}

describe('circuit breaker of a server with one replica', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      {
        name: 'broken',
        ...fixture('flaky', '--every', '1'),
        resilience: resolveResilience({ breaker: { failures: 3, halfOpenAfterMs: 600_000 } }),
      },
      {
        name: 'healing',
        ...fixture('flaky', '--fail-first', '3'),
        resilience: resolveResilience({ breaker: { failures: 3, halfOpenAfterMs: 300, successes: 2 } }),
      },
    ]);
  });
  after(() => testHub.close());

  it('opens after consecutive failures: CIRCUIT_OPEN naming the server, and nothing more reaches it', async () => {
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await outcome(testHub.hub, 'broken__flaky'));
    assert.deepEqual(outcomes.slice(0, 3), [
      'UPSTREAM_ERROR: flaky failure 1',
      'UPSTREAM_ERROR: flaky failure 2',
      'UPSTREAM_ERROR: flaky failure 3',
    ]);
    for (const later of outcomes.slice(3)) assert.match(later, /^CIRCUIT_OPEN: server "broken" is failing/);
    const error = await call(testHub.hub, 'broken__flaky').catch((reason: unknown) => reason);
    assert.ok(HubError.is(error));
    assert.equal(error.server, 'broken');
    assert.equal(error.retryable, true);
    assert.ok(Number(error.data.retryAfterMs) > 0);
    assert.equal(testHub.hub.servers()[0]?.replicas[0]?.breaker, 'open');
  });

  it('lets trial calls through after halfOpenAfterMs and closes after two successes', async () => {
    for (let i = 1; i <= 3; i++) {
      assert.equal(await outcome(testHub.hub, 'healing__flaky'), `UPSTREAM_ERROR: flaky failure ${i}`);
    }
    // Calls while open never reach the fixture: its own counter goes on at 4 with the first trial call.
    const first = await waitFor('a trial call to succeed', async () => {
      const text = await outcome(testHub.hub, 'healing__flaky');
      if (!text.startsWith('CIRCUIT_OPEN')) return text;
      return undefined;
    });
    assert.equal(first, 'ok 4');
    const status = () => testHub.hub.servers().find((server) => server.name === 'healing')?.replicas[0];
    assert.equal(status()?.breaker, 'half-open');
    assert.equal(await outcome(testHub.hub, 'healing__flaky'), 'ok 5');
    assert.equal(status()?.breaker, 'closed');
  });
});

describe('retries on another replica', () => {
  let testHub: TestHub;
  // Replica 0 fails every call, replica 1 never does; both offer the same tool.
  const replicas = () => [
    testReplica(fixture('flaky', '--every', '1')),
    testReplica(fixture('flaky', '--every', '1000000')),
  ];
  before(async () => {
    testHub = await createTestHub([
      { name: 'idem', replicas: replicas(), resilience: resolveResilience({ idempotentTools: ['flaky'] }) },
      { name: 'once', replicas: replicas() },
    ]);
  });
  after(() => testHub.close());

  it('an idempotent tool: every call succeeds, a failure is sent again to the healthy replica', async () => {
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await outcome(testHub.hub, 'idem__flaky'));
    for (const text of outcomes) assert.match(text, /^ok \d+$/);
    const decisions = testHub.hub.server('idem')?.router.decisions() ?? [];
    const bad = decisions.find((decision) => decision.replica === 'idem#0')?.count ?? 0;
    assert.ok(bad > 0, 'the failing replica was tried');
  });

  it('a tool not marked idempotent: the failure reaches the caller, and no call is sent twice', async () => {
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await outcome(testHub.hub, 'once__flaky'));
    const failures = outcomes.filter((text) => text.startsWith('UPSTREAM_ERROR'));
    const successes = outcomes.filter((text) => text.startsWith('ok'));
    assert.equal(failures.length + successes.length, 10);
    // Each replica counts the calls it received: together exactly one per request.
    assert.deepEqual(
      failures.map((text) => text.replace('UPSTREAM_ERROR: ', '')),
      failures.map((_, i) => `flaky failure ${i + 1}`),
    );
    assert.deepEqual(
      successes,
      successes.map((_, i) => `ok ${i + 1}`),
    );
  });
});

describe('fallback tools', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      {
        name: 'primary',
        ...fixture('flaky', '--every', '1'),
        resilience: resolveResilience({ fallbacks: { flaky: 'backup__echo' } }),
      },
      { name: 'backup', ...fixture('echo') },
    ]);
  });
  after(() => testHub.close());

  it('when the tool fails, the configured fallback answers and the result says so', async () => {
    const result = await call(testHub.hub, 'primary__flaky', { text: 'from the fallback' });
    assert.equal(textOf(result), 'from the fallback');
    assert.deepEqual(result._meta?.[FALLBACK_META_KEY], {
      tool: 'primary__flaky',
      answeredBy: 'backup__echo',
      error: 'UPSTREAM_ERROR',
    });
  });

  it('a tool without a fallback fails as before', async () => {
    assert.match(await outcome(testHub.hub, 'backup__nope'), /^UNKNOWN_TOOL/);
  });
});

describe('cancellations', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      { name: 'slow', ...fixture('slow'), resilience: resolveResilience({ breaker: { failures: 2 } }) },
    ]);
  });
  after(() => testHub.close());

  it('calls their caller cancels are CANCELLED and never open the breaker', async () => {
    for (let i = 0; i < 4; i++) {
      const controller = new AbortController();
      const error = await testHub.hub
        .call({
          method: 'tools/call',
          params: { name: 'slow__sleep', arguments: { ms: 20_000 } },
          signal: controller.signal,
          // Cancelled while provably under way upstream: it already reported progress.
          onprogress: () => controller.abort(),
        })
        .catch((reason: unknown) => reason);
      assert.ok(HubError.is(error));
      assert.equal(error.code, 'CANCELLED');
    }
    assert.equal(testHub.hub.servers()[0]?.replicas[0]?.breaker, 'closed');
    assert.match(await outcome(testHub.hub, 'slow__sleep', { ms: 1 }), /^slept 1/);
  });
});
