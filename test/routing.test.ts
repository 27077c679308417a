/**
 * Replicas and the router with real fixture processes: one logical server over mixed transports, its
 * catalog entry, routing decisions counted in /metrics and the admin API, a replica whose tools differ
 * kept out, the strategy switched at run time, and NO_HEALTHY_REPLICA when nothing can answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Result } from '@modelcontextprotocol/client';
import { HubError } from '../src/errors.ts';
import type { Hub } from '../src/hub.ts';
import { implementedStrategies } from '../src/routing/registry.ts';
import { createTestHub, type TestHub, testReplica } from '../src/testing/test-hub.ts';
import { httpClient, runCli, tempDir, textOf, waitFor } from './faults/_helpers.ts';
import { fixturePath, type HttpFixture, nodeBin, startHttpFixture } from './fixtures/spawn.ts';

const stdio = (name: string, ...args: string[]) =>
  testReplica({ command: nodeBin, args: [fixturePath(name), '--stdio', ...args] });

function call(hub: Hub, name: string, args: Record<string, unknown> = {}): Promise<Result> {
  return hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal: AbortSignal.timeout(30_000),
  });
}

async function pidOf(hub: Hub): Promise<number> {
  return (JSON.parse(textOf(await call(hub, 'api__whoami'))) as { pid: number }).pid;
}

describe('a logical server with three replicas (two stdio, one Streamable HTTP)', () => {
  let http: HttpFixture;
  let testHub: TestHub;
  let base: string;

  before(async () => {
    http = await startHttpFixture('echo');
    testHub = await createTestHub(
      [
        {
          name: 'api',
          replicas: [stdio('echo'), stdio('echo'), testReplica({ url: http.url })],
        },
        // slow offers other tools than echo: its replica is flagged and kept out.
        { name: 'odd', replicas: [stdio('echo'), stdio('slow')] },
      ],
      { http: true },
    );
    base = `http://127.0.0.1:${testHub.http?.port}`;
  });
  after(async () => {
    await testHub.close();
    await http.stop();
  });

  it('shares one catalog entry and shows each replica with its id and state', () => {
    const names = [...testHub.hub.catalog.tools.keys()].filter((name) => name.startsWith('api__'));
    assert.deepEqual(names.sort(), ['api__add', 'api__echo', 'api__fail', 'api__whoami']);
    const api = testHub.hub.servers().find((server) => server.name === 'api');
    assert.equal(api?.state, 'ready');
    assert.equal(api?.strategy, 'round-robin');
    assert.deepEqual(
      api?.replicas.map((replica) => [replica.id, replica.state, replica.transport, replica.breaker]),
      [
        ['api#0', 'ready', 'stdio', 'closed'],
        ['api#1', 'ready', 'stdio', 'closed'],
        ['api#2', 'ready', 'http', 'closed'],
      ],
    );
  });

  it('round-robin spreads calls evenly over the three processes and counts every decision', async () => {
    const pids = new Map<number, number>();
    for (let i = 0; i < 30; i++) {
      const pid = await pidOf(testHub.hub);
      pids.set(pid, (pids.get(pid) ?? 0) + 1);
    }
    assert.deepEqual([...pids.values()], [10, 10, 10]);
    assert.ok(pids.has(http.pid), 'the HTTP replica served its share');

    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const replica of ['api#0', 'api#1', 'api#2']) {
      const line = new RegExp(
        `toolmesh_routing_decisions_total\\{server="api",replica="${replica}",strategy="round-robin"\\} (\\d+)`,
      );
      assert.ok(Number(metrics.match(line)?.[1]) >= 10, `${replica} counted in /metrics`);
    }
    const routing = (await (await fetch(`${base}/api/v1/routing`)).json()) as {
      servers: { name: string; strategy: string; decisions: { replica: string; count: number }[] }[];
    };
    const api = routing.servers.find((server) => server.name === 'api');
    assert.equal(api?.strategy, 'round-robin');
    assert.equal(
      api?.decisions.reduce((sum, decision) => sum + decision.count, 0),
      30,
    );
  });

  it('a replica whose tools differ is flagged and never used', async () => {
    const odd = testHub.hub.servers().find((server) => server.name === 'odd');
    assert.equal(odd?.replicas[0]?.mismatch, undefined);
    assert.match(odd?.replicas[1]?.mismatch ?? '', /lacks .*echo.*adds sleep/);
    for (let i = 0; i < 6; i++) await call(testHub.hub, 'odd__echo', { text: 'x' });
    const decisions = testHub.hub.server('odd')?.router.decisions() ?? [];
    assert.deepEqual(
      decisions.map((decision) => [decision.replica, decision.count]),
      [['odd#0', 6]],
    );
  });

  it('switches strategy through the admin API, validating the name', async () => {
    const put = (name: string, body: unknown) =>
      fetch(`${base}/api/v1/servers/${name}/routing`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await put('api', { strategy: 'random' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /round-robin/);
    assert.equal((await put('api', {})).status, 400);
    assert.equal((await put('nope', { strategy: 'round-robin' })).status, 404);

    const ok = await put('api', { strategy: 'round-robin' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { name: 'api', strategy: 'round-robin' });
  });

  it('switching strategies during a load run through the HTTP face loses no call', async () => {
    const { client } = await httpClient(`${base}/mcp`);
    const decided = () =>
      (testHub.hub.server('api')?.router.decisions() ?? []).reduce(
        (sum, decision) => sum + decision.count,
        0,
      );
    const before = decided();
    const strategies = implementedStrategies();
    let switches = 0;
    try {
      const total = 90;
      const queue = Array.from({ length: total }, (_, n) => n);
      const results = await Promise.all(
        Array.from({ length: 15 }, async () => {
          const texts: string[] = [];
          for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
            if (n % 10 === 0) {
              const strategy = strategies[(n / 10) % strategies.length];
              const response = await fetch(`${base}/api/v1/servers/api/routing`, {
                method: 'PUT',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ strategy }),
              });
              assert.equal(response.status, 200);
              switches += 1;
            }
            texts.push(textOf(await client.callTool({ name: 'api__echo', arguments: { text: `c${n}` } })));
          }
          return texts;
        }),
      );
      const answered = results.flat();
      assert.equal(answered.length, total, 'every call answered');
      assert.deepEqual(answered.toSorted(), Array.from({ length: total }, (_, n) => `c${n}`).toSorted());
      assert.equal(decided() - before, total, 'each call routed once');
      assert.equal(switches, 9);
    } finally {
      await client.close();
    }
  });
});

describe('toolmesh servers with replicas', () => {
  it('shows one row per server and an indented row per replica', async () => {
    const tmp = await tempDir();
    try {
      const echo = JSON.stringify([fixturePath('echo'), '--stdio']);
      const file = await tmp.write(
        'toolmesh.yaml',
        `servers:\n  api:\n    replicas:\n      - {command: ${JSON.stringify(nodeBin)}, args: ${echo}}\n` +
          `      - {command: ${JSON.stringify(nodeBin)}, args: ${echo}}\n`,
      );
      const run = await runCli(['servers', '--config', file], { cwd: tmp.dir });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^api\s+ready\s+stdio\s+4\b/m);
      assert.match(run.stdout, /^ {2}api#0\s+ready\s+stdio/m);
      assert.match(run.stdout, /^ {2}api#1\s+ready\s+stdio/m);
      const json = await runCli(['servers', '--config', file, '--json'], { cwd: tmp.dir });
      const [api] = JSON.parse(json.stdout) as {
        strategy: string;
        replicas: { id: string; breaker: string }[];
      }[];
      assert.equal(api?.strategy, 'round-robin');
      assert.deepEqual(
        api?.replicas.map((replica) => [replica.id, replica.breaker]),
        [
          ['api#0', 'closed'],
          ['api#1', 'closed'],
        ],
      );
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('no replica can answer', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([
      { name: 'dead', replicas: [stdio('crash', '--crash-on-start'), stdio('crash', '--crash-on-start')] },
    ]);
  });
  after(() => testHub.close());

  it('answers NO_HEALTHY_REPLICA naming the server, retryable until every replica failed', async () => {
    const first = await call(testHub.hub, 'dead__crash').catch((reason: unknown) => reason);
    assert.ok(HubError.is(first));
    assert.equal(first.code, 'NO_HEALTHY_REPLICA');
    assert.equal(first.retryable, true, 'its replicas are still being restarted');
    await waitFor('both replicas failed', () => testHub.hub.servers()[0]?.state === 'failed', 30_000);
    const error = await call(testHub.hub, 'dead__crash').then(
      () => assert.fail('expected an error'),
      (reason: unknown) => reason,
    );
    assert.ok(HubError.is(error));
    assert.equal(error.code, 'NO_HEALTHY_REPLICA');
    assert.equal(error.server, 'dead');
    assert.equal(error.retryable, false);
    assert.match(error.message, /dead#0 failed.*dead#1 failed/);
  });
});
