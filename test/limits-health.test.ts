/**
 * Limits and health against real fixture processes: the bulkhead answers OVERLOADED at once beyond its
 * queue, rate limits per server and per client answer RATE_LIMITED with a retry-after, and active MCP
 * pings eject a hung replica (SIGSTOP) and bring it back when it answers again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Result } from '@modelcontextprotocol/client';
import { resolveResilience } from '../src/config/resilience.ts';
import { HubError } from '../src/errors.ts';
import type { Hub } from '../src/hub.ts';
import { createTestHub, type TestHub, testReplica } from '../src/testing/test-hub.ts';
import { waitFor } from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

const fixture = (name: string) => ({ command: nodeBin, args: [fixturePath(name), '--stdio'] });

function call(hub: Hub, name: string, args: Record<string, unknown>, client?: string): Promise<Result> {
  return hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal: AbortSignal.timeout(30_000),
    client,
  });
}

/** The error code of a call, or "ok". */
const codeOf = (promise: Promise<Result>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (HubError.is(error) ? error.code : String(error)),
  );

describe('limits', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      {
        name: 'narrow',
        ...fixture('slow'),
        resilience: resolveResilience({ limits: { maxConcurrent: 2, maxQueue: 1 } }),
      },
      {
        name: 'metered',
        ...fixture('echo'),
        resilience: resolveResilience({ limits: { perClientPerMinute: 3, perMinute: 5 } }),
      },
    ]);
  });
  after(() => testHub.close());

  it('bulkhead: 2 in flight and 1 queued are served, the rest get OVERLOADED at once', async () => {
    const calls = Array.from({ length: 6 }, () =>
      call(testHub.hub, 'narrow__sleep', { ms: 1500 }).catch((error: unknown) => error),
    );
    const outcomes = await Promise.all(calls);
    const refused = outcomes.filter((outcome) => HubError.is(outcome));
    assert.equal(outcomes.length - refused.length, 3, 'two in flight and one queued were served');
    assert.equal(refused.length, 3);
    for (const error of refused) {
      assert.equal(error.code, 'OVERLOADED');
      assert.equal(error.server, 'narrow');
      assert.equal(error.retryable, true);
    }
  });

  it('a call cancelled while queued is answered at once, before the calls ahead of it finish', async () => {
    let settled = 0;
    const running = [1, 2].map(() =>
      call(testHub.hub, 'narrow__sleep', { ms: 5_000 }).finally(() => {
        settled += 1;
      }),
    );
    const controller = new AbortController();
    const queued = testHub.hub.call({
      method: 'tools/call',
      params: { name: 'narrow__sleep', arguments: { ms: 0 } },
      signal: controller.signal,
    });
    controller.abort();
    const error = await queued.catch((reason: unknown) => reason);
    assert.ok(HubError.is(error));
    assert.equal(error.code, 'CANCELLED');
    assert.equal(settled, 0, 'the calls in flight were still running');
    await Promise.all(running);
  });

  it('rate limits: per client first, then for the server as a whole, with retryAfterMs', async () => {
    const echo = (client: string) => codeOf(call(testHub.hub, 'metered__echo', { text: 'x' }, client));
    const a = [await echo('a'), await echo('a'), await echo('a'), await echo('a')];
    assert.deepEqual(a, ['ok', 'ok', 'ok', 'RATE_LIMITED']);
    assert.deepEqual([await echo('b'), await echo('b')], ['ok', 'ok']);
    assert.equal(await echo('c'), 'RATE_LIMITED', 'the server allows 5 calls a minute from everyone');
    const error = await call(testHub.hub, 'metered__echo', { text: 'x' }, 'a').catch(
      (reason: unknown) => reason,
    );
    assert.ok(HubError.is(error));
    assert.equal(error.server, 'metered');
    assert.equal(error.retryable, true);
    assert.ok(Number(error.data.retryAfterMs) > 0 && Number(error.data.retryAfterMs) <= 60_000);
  });
});

describe('timeouts', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      // Progress every 100 ms keeps restarting the 2 s clock; maxTotalMs still ends the call.
      { name: 'capped', ...fixture('slow'), timeouts: { startupMs: 30_000, callMs: 2_000, maxTotalMs: 600 } },
      { name: 'uncapped', ...fixture('slow'), timeouts: { startupMs: 30_000, callMs: 2_000 } },
      // The same server with a per-tool timeout for sleep: 100 ms a call, so at most 10 × 100 ms in all.
      {
        name: 'pertool',
        ...fixture('slow'),
        timeouts: { startupMs: 30_000, callMs: 2_000 },
        resilience: resolveResilience({ toolTimeouts: { sleep: 100 } }),
      },
    ]);
  });
  after(() => testHub.close());

  const sleep = (server: string, ms: number) =>
    testHub.hub.call({
      method: 'tools/call',
      params: { name: `${server}__sleep`, arguments: { ms } },
      signal: AbortSignal.timeout(60_000),
      onprogress: () => {},
    });

  it('maxTotalMs ends a call even while progress keeps arriving', async () => {
    assert.equal(await codeOf(sleep('capped', 10_000)), 'UPSTREAM_TIMEOUT');
    // The same call without the cap outlives its per-call timeout thanks to progress (10 × callMs in all).
    assert.equal(await codeOf(sleep('uncapped', 3_000)), 'ok');
  });

  it('toolTimeouts gives one tool its own timeout, instead of timeouts.callMs', async () => {
    assert.equal(await codeOf(sleep('pertool', 2_500)), 'UPSTREAM_TIMEOUT');
  });
});

describe('active health checks', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      {
        name: 'pinged',
        replicas: [testReplica(fixture('echo')), testReplica(fixture('echo'))],
        resilience: resolveResilience({
          health: { intervalMs: 100, timeoutMs: 300, ejectAfter: 2, ejectMs: 600_000 },
        }),
      },
    ]);
  });
  after(() => testHub.close());

  it('a replica that stops answering pings is ejected, and readmitted when it answers again', async () => {
    const replica = () => testHub.hub.servers()[0]?.replicas[1];
    const pid = replica()?.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP'); // hangs: the process is alive but answers nothing
    try {
      await waitFor('the hung replica to be ejected', () => replica()?.ejectedUntil !== undefined);
      assert.equal(testHub.hub.servers()[0]?.replicas[0]?.ejectedUntil, undefined, 'the healthy one stays');
      const before = testHub.hub.server('pinged')?.router.decisions() ?? [];
      for (let i = 0; i < 6; i++) await call(testHub.hub, 'pinged__echo', { text: 'x' });
      const afterCalls = testHub.hub.server('pinged')?.router.decisions() ?? [];
      const count = (list: typeof before, id: string) => list.find((d) => d.replica === id)?.count ?? 0;
      assert.equal(
        count(afterCalls, 'pinged#1'),
        count(before, 'pinged#1'),
        'no call went to the hung replica',
      );
      assert.equal(count(afterCalls, 'pinged#0') - count(before, 'pinged#0'), 6);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The ejection was for 10 minutes: only a passing ping can have brought it back.
    await waitFor('the replica to be readmitted', () => replica()?.ejectedUntil === undefined);
    assert.equal(replica()?.state, 'ready');
  });
});
