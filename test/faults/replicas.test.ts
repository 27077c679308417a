/**
 * The fault suite for replicas and resilience: `toolmesh serve --stdio` as a real child process, a flood
 * of concurrent calls, and upstream replicas that are killed mid-call (a stdio one and a Streamable HTTP
 * one, which closes its connections and comes back later), hang, answer slowly, print garbage, send
 * duplicate responses and responses to unknown ids, or fail until they recover. Requests and answers are
 * counted on the wire, calls at the fixtures (`--call-log`), and the figures are printed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { fixturePath, type HttpFixture, nodeBin, startHttpFixture } from '../fixtures/spawn.ts';
import {
  childPids,
  isAlive,
  killSurvivors,
  type StdioHub,
  stdioHub,
  tempDir,
  waitFor,
  within,
} from './_helpers.ts';

type Tmp = Awaited<ReturnType<typeof tempDir>>;

const replica = (fixture: string, ...args: string[]) =>
  `      - {command: ${JSON.stringify(nodeBin)}, args: ${JSON.stringify([fixturePath(fixture), '--stdio', ...args])}}`;

/** `<id> <pid>` lines a fixture wrote with `--call-log`, as id → pids that received it. */
function callLog(file: string): Map<string, number[]> {
  const received = new Map<string, number[]>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return received;
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [id = '', pid = ''] = line.split(' ');
    received.set(id, [...(received.get(id) ?? []), Number(pid)]);
  }
  return received;
}

/**
 * Counts the client's requests (from now on: the handshake is already done) and the hub's answers per
 * JSON-RPC id, on the wire.
 */
function countWire(hub: StdioHub): { sent: Set<unknown>; answers: () => Map<unknown, number> } {
  const sent = new Set<unknown>();
  const send = hub.transport.send.bind(hub.transport);
  hub.transport.send = (message: JSONRPCMessage) => {
    if ('method' in message && 'id' in message) sent.add(message.id);
    return send(message);
  };
  const answers = () => {
    const counts = new Map<unknown, number>();
    for (const line of hub.transport.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as {
        id?: unknown;
        result?: unknown;
        error?: unknown;
        method?: unknown;
      };
      if (message.method === undefined && (message.result !== undefined || message.error !== undefined)) {
        counts.set(message.id, (counts.get(message.id) ?? 0) + 1);
      }
    }
    return counts;
  };
  return { sent, answers };
}

interface Outcome {
  server: string;
  id: string;
  ok: boolean;
  code?: string;
}

describe('fault suite: replicas under load', () => {
  let tmp: Tmp;
  let http: HttpFixture;
  let hub: StdioHub;
  const pids: number[] = [];

  before(async () => {
    tmp = await tempDir();
    const idemLog = join(tmp.dir, 'idem.log');
    http = await startHttpFixture('slow', ['--call-log', idemLog]);
    const config = await tmp.write(
      'toolmesh.yaml',
      [
        'servers:',
        '  idem:', // safe to repeat: nothing may fail while one replica dies
        '    idempotentTools: [sleep]',
        '    retry: {attempts: 3, initialDelayMs: 20}',
        '    timeouts: {callMs: 10000}',
        '    replicas:',
        replica('slow', '--call-log', idemLog),
        replica('slow', '--call-log', idemLog),
        `      - {url: ${JSON.stringify(http.url)}}`,
        '  once:', // not idempotent: never sent twice, so calls on the killed replica may fail
        '    timeouts: {callMs: 10000}',
        '    replicas:',
        replica('slow', '--call-log', join(tmp.dir, 'once.log')),
        replica('slow', '--call-log', join(tmp.dir, 'once.log')),
        replica('slow', '--call-log', join(tmp.dir, 'once.log')),
        '  noisy:', // garbage on stdout, every response twice, responses to ids nobody used
        '    replicas:',
        replica('garbage', '--duplicate-responses', '--unknown-ids'),
        replica('garbage'),
        '  hang:',
        `    command: ${JSON.stringify(nodeBin)}`,
        `    args: ${JSON.stringify([fixturePath('slow'), '--stdio'])}`,
        '    timeouts: {callMs: 700}',
        '  recovering:', // fails its first 4 calls, then recovers; the breaker opens and closes again
        `    command: ${JSON.stringify(nodeBin)}`,
        `    args: ${JSON.stringify([fixturePath('flaky'), '--stdio', '--fail-first', '4'])}`,
        '    breaker: {failures: 3, halfOpenAfterMs: 300}',
        '  echo:', // healthy, for isolation
        `    command: ${JSON.stringify(nodeBin)}`,
        `    args: ${JSON.stringify([fixturePath('echo'), '--stdio'])}`,
        '',
      ].join('\n'),
    );
    hub = await stdioHub(config, {
      cwd: tmp.dir,
      env: { ...process.env, TOOLMESH_LOG_LEVEL: 'warn' } as Record<string, string>,
    });
    pids.push(hub.pid, http.pid);
  });

  after(async () => {
    await hub?.close();
    await http?.stop();
    killSurvivors(pids);
    await tmp?.cleanup();
  });

  it('answers every request exactly once through kills, hangs, garbage and recovery', async () => {
    const { client } = hub;
    const wire = countWire(hub);
    const idemLog = join(tmp.dir, 'idem.log');
    const onceLog = join(tmp.dir, 'once.log');
    const outcomes: Outcome[] = [];
    let faults = 0;

    const call = async (server: string, tool: string, args: Record<string, unknown>, id: string) => {
      try {
        const result = await within(
          client.callTool({ name: `${server}__${tool}`, arguments: args }, { timeout: 60_000 }),
          90_000,
          `${server}__${tool} ${id}`,
        );
        outcomes.push({ server, id, ok: result.isError !== true });
      } catch (error) {
        const code = (error as { data?: { code?: string } }).data?.code;
        outcomes.push({ server, id, ok: false, code: code ?? String(error) });
      }
    };

    // The flood: 4 servers, 30 calls in flight at a time.
    const total = 240;
    let killedOnce = 0;
    let killedHttp = false;
    const work = Array.from({ length: total }, (_, n) => async () => {
      const kind = n % 4;
      if (kind === 0) await call('idem', 'sleep', { ms: 50 + (n % 5) * 40, id: `i${n}` }, `i${n}`);
      if (kind === 1) await call('once', 'sleep', { ms: 50 + (n % 5) * 40, id: `o${n}` }, `o${n}`);
      if (kind === 2) await call('noisy', 'echo', { text: `n${n}` }, `n${n}`);
      if (kind === 3) await call('echo', 'echo', { text: `e${n}` }, `e${n}`);
      // A third of the way in, with calls in flight on every replica: kill one replica of each.
      if (n === Math.floor(total / 3)) {
        const oncePid = [...callLog(onceLog).values()].at(-1)?.[0];
        assert.ok(oncePid, 'the once replicas have served calls');
        process.kill(oncePid, 'SIGKILL');
        killedOnce = oncePid;
        await http.stop(); // the HTTP replica goes away: its connections close
        killedHttp = true;
        faults += 2;
      }
    });
    const queue = [...work];
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      }),
    );
    assert.ok(killedOnce > 0 && killedHttp);

    // Hangs: a replica that never answers gets UPSTREAM_TIMEOUT, once per call.
    await Promise.all([1, 2, 3].map((n) => call('hang', 'sleep', { ms: 120_000 }, `h${n}`)));
    faults += 3;

    // A server failing until it recovers: the breaker opens, then trial calls close it.
    for (let n = 0; n < 40; n++) {
      await call('recovering', 'flaky', {}, `r${n}`);
      if (outcomes.at(-1)?.ok) break;
    }
    faults += 4;

    // The HTTP replica comes back on its port and is used again.
    const port = Number(new URL(http.url).port);
    http = await startHttpFixture('slow', ['--call-log', idemLog], { port });
    pids.push(http.pid);
    await waitFor(
      'the restarted HTTP replica to serve calls',
      async () => {
        const id = `back${Date.now()}`;
        await call('idem', 'sleep', { ms: 0, id }, id);
        return callLog(idemLog).get(id)?.[0] === http.pid;
      },
      60_000,
      200,
    );

    // Figures: every request answered exactly once on the wire.
    const answers = wire.answers();
    const duplicates = [...answers.values()].filter((count) => count > 1).length;
    const lost = [...wire.sent].filter((id) => !answers.has(id)).length;
    const byServer = (server: string) => outcomes.filter((outcome) => outcome.server === server);
    const failed = (server: string) => byServer(server).filter((outcome) => !outcome.ok);
    const figures = {
      requests: wire.sent.size,
      answers: [...wire.sent].reduce<number>((sum, id) => sum + (answers.get(id) ?? 0), 0),
      faultsInjected: faults,
      duplicates,
      lost,
      failedCalls: Object.fromEntries(
        ['idem', 'once', 'noisy', 'echo', 'hang', 'recovering'].map((server) => [
          server,
          `${failed(server).length}/${byServer(server).length}`,
        ]),
      ),
    };
    console.log(`fault suite figures: ${JSON.stringify(figures)}`);

    assert.equal(duplicates, 0, 'no request answered twice');
    assert.equal(lost, 0, 'no request left unanswered');
    assert.equal(figures.answers, figures.requests);
    assert.ok(isAlive(hub.pid), 'the hub is still running');
    assert.doesNotMatch(hub.stderr(), /unhandled|uncaught/i);

    // Isolation: the healthy server and the noisy replicas answered everything.
    assert.deepEqual(failed('echo'), []);
    assert.deepEqual(failed('noisy'), []);
    // Safe to repeat: no call failed although a replica died under it.
    assert.deepEqual(failed('idem'), []);
    // Not idempotent: each call reached at most one replica once; failures only on the killed one.
    const onceCalls = callLog(onceLog);
    for (const [id, receivers] of onceCalls)
      assert.equal(receivers.length, 1, `${id} was sent ${receivers.length} times`);
    for (const outcome of failed('once')) {
      assert.equal(outcome.code, 'UPSTREAM_UNAVAILABLE', `${outcome.id}: ${outcome.code}`);
      const receivers = onceCalls.get(outcome.id) ?? [];
      assert.ok(
        receivers.every((pid) => pid === killedOnce),
        `${outcome.id} failed on a live replica`,
      );
    }
    for (const outcome of byServer('once').filter((o) => o.ok))
      assert.equal(onceCalls.get(outcome.id)?.length, 1);
    // Hangs time out, each with one answer.
    assert.deepEqual(
      byServer('hang').map((outcome) => outcome.code),
      ['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT'],
    );
    // Recovery: failures, then the open circuit, then success.
    const recovering = byServer('recovering');
    assert.equal(recovering.at(-1)?.ok, true, 'the recovering server answered again');
    assert.ok(
      recovering.some((outcome) => outcome.code === 'CIRCUIT_OPEN'),
      'its circuit opened on the way',
    );
    pids.push(...childPids(hub.pid));
  });
});
