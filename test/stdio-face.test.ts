/**
 * `toolmesh serve --stdio` as a script uses it, real upstreams behind it: input piped in and closed, bad
 * lines among the requests (the security note's bad input 36), and the process's memory after start-up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { REPO, toolmesh } from './support/cli.ts';
import { INITIALIZED, initialize } from './support/handshake.ts';

const INITIALIZE = initialize('script');

interface Answer {
  id?: number | null;
  result?: { content?: { text: string }[] };
  error?: { code: number; message: string };
}

/** One `tools/call` line. */
const toolCall = (id: number, name: string, args: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

const answersOf = (stdout: string): Answer[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Answer);

describe('toolmesh serve --stdio', () => {
  let dir: string;
  let config: string;

  /** Writes config `<name>.json` for `servers`, with a store of its own in the scratch dir; its path. */
  function writeConfig(name: string, servers: Record<string, unknown>): string {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ store: { path: join(dir, `${name}.db`) }, servers }));
    return file;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'toolmesh-stdio-face-'));
    config = writeConfig('toolmesh', {
      echo: { command: nodeBin, args: [fixturePath('echo'), '--stdio'], prefix: false },
      slow: { command: nodeBin, args: [fixturePath('slow'), '--stdio'], prefix: false },
    });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `toolmesh serve --stdio` fed these lines: it must exit by itself once everything read is answered. */
  async function serveLines(lines: string[], configFile = config) {
    const run = await toolmesh(['serve', '--stdio', '--config', configFile], { input: lines.join('\n') });
    assert.equal(run.timedOut, false, 'the hub did not exit after its input ended (a request held it)');
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    return { run, answers: answersOf(run.stdout) };
  }

  it('answers bad lines and broken envelopes and reads on; every request is answered before it exits', async () => {
    const { run, answers } = await serveLines([
      JSON.stringify(INITIALIZE),
      JSON.stringify(INITIALIZED),
      '{this is not json',
      '', // a blank line is no request: nothing to answer
      '{"hello":"world"}',
      '[1,2,3]',
      // Still running when the input ends: the answer must come all the same.
      toolCall(2, 'sleep', { ms: 300 }),
      // Its id again while it runs: refused, and the first keeps its answer.
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
      toolCall(3, 'echo', { text: 'hi' }),
      JSON.stringify({ jsonrpc: '2.0', id: 1.5, method: 'ping' }),
      JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: ['echo'] }),
      // The SDK drops a request whose _meta is not an object: without the check it is never answered, and
      // the hub waits for it instead of exiting.
      JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping', params: { _meta: 'x' } }),
      '',
    ]);
    const bad = answers.filter((answer) => answer.id === null);
    assert.deepEqual(
      bad.map((answer) => answer.error?.code),
      [-32700, -32600, -32600, -32600],
    );
    assert.match(bad[0]?.error?.message ?? '', /Parse error/);
    const of = (id: number) => answers.filter((answer) => answer.id === id);
    assert.deepEqual(
      of(2).map((answer) => answer.error?.code ?? 'result'),
      [-32600, 'result'],
    );
    assert.equal(of(3)[0]?.result?.content?.[0]?.text, 'hi');
    assert.deepEqual(
      of(4).map((answer) => answer.error?.code),
      [-32602],
    );
    assert.deepEqual(
      of(5).map((answer) => answer.error?.message),
      ['Invalid params: _meta must be an object'],
    );
    assert.equal(answers.length, 1 + bad.length + 2 + 1 + 1 + 1, run.stdout);
  });

  it('a request before initialize is refused as not initialized; ping may come first (bad input 14)', async () => {
    const request = (id: number, method: string, params?: object) =>
      JSON.stringify({ jsonrpc: '2.0', id, method, ...(params && { params }) });
    const { run, answers } = await serveLines([
      request(1, 'tools/list'),
      toolCall(2, 'echo', { text: 'too early' }),
      request(3, 'ping'),
      // Before initialize whatever the SDK pinned: the ping above would have taken the 2025 era.
      request(4, 'resources/list', {}),
      JSON.stringify({ ...INITIALIZE, id: 5 }),
      JSON.stringify(INITIALIZED),
      toolCall(6, 'echo', { text: 'in time' }),
      '',
    ]);
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    for (const id of [1, 2, 4]) {
      assert.equal(byId.get(id)?.error?.code, -32600, run.stdout);
      assert.match(byId.get(id)?.error?.message ?? '', /not initialized; send initialize first/);
    }
    assert.deepEqual(byId.get(3)?.result, {});
    assert.ok(byId.get(5)?.result, run.stdout);
    assert.equal(byId.get(6)?.result?.content?.[0]?.text, 'in time');
    assert.equal(answers.length, 6, run.stdout);
  });

  it('a request line over 10 MiB is dropped unread and answered under its own id; the next is served', async () => {
    const { answers } = await serveLines([
      JSON.stringify(INITIALIZE),
      JSON.stringify(INITIALIZED),
      toolCall(2, 'echo', { text: 'a'.repeat(11 * 1024 * 1024) }),
      toolCall(3, 'echo', { text: 'after' }),
      '',
    ]);
    // In the order of their ids: the refusal is written at once, the initialize answer by the SDK.
    answers.sort((a, b) => Number(a.id) - Number(b.id));
    assert.deepEqual(
      answers.map((answer) => [answer.id, answer.error?.code ?? answer.result?.content?.[0]?.text]),
      [
        [1, undefined],
        [2, -32700],
        [3, 'after'],
      ],
    );
    assert.match(answers[1]?.error?.message ?? '', /over 10 MiB/);
  });

  it('a request the client cancelled does not hold the exit: no answer for it, the others answered', async () => {
    const { answers } = await serveLines([
      JSON.stringify(INITIALIZE),
      JSON.stringify(INITIALIZED),
      toolCall(2, 'sleep', { ms: 30_000 }),
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 2, reason: 'enough' },
      }),
      toolCall(3, 'echo', { text: 'after' }),
      '',
    ]);
    // `serveLines` checks that the hub exited by itself: were the exit held for the cancelled request (the
    // SDK answers nothing to it), the hub would run until the helper's budget kills it.
    assert.deepEqual(
      answers.map((answer) => answer.id),
      [1, 3],
    );
  });

  it('an open subscriptions/listen stream (2026-07-28) does not hold the exit either', async () => {
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'script', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const { run } = await serveLines([
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'listen:0',
        method: 'subscriptions/listen',
        params: { _meta: meta, notifications: { toolsListChanged: true } },
      }),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { _meta: meta, name: 'echo', arguments: { text: 'modern' } },
      }),
      '',
    ]);
    const answers = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id?: number; method?: string; result?: Answer['result'] });
    assert.ok(
      answers.some((answer) => answer.method === 'notifications/subscriptions/acknowledged'),
      run.stdout,
    );
    assert.equal(answers.find((answer) => answer.id === 2)?.result?.content?.[0]?.text, 'modern');
  });

  it("arguments nested too deeply are the caller's error, and do not open the server's circuit", async () => {
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    // More than the breaker's and outlier detector's thresholds, had these counted as the server's failures.
    const deepCalls = Array.from(
      { length: 10 },
      (_, i) =>
        `{"jsonrpc":"2.0","id":${100 + i},"method":"tools/call","params":{"name":"echo","arguments":{"text":${deep}}}}`,
    );
    const { run, answers } = await serveLines([
      JSON.stringify(INITIALIZE),
      JSON.stringify(INITIALIZED),
      ...deepCalls,
      toolCall(3, 'echo', { text: 'ok' }),
      '',
    ]);
    const deepAnswers = answers.filter((answer) => typeof answer.id === 'number' && answer.id >= 100);
    assert.equal(deepAnswers.length, 10);
    for (const answer of deepAnswers) {
      assert.equal(answer.error?.code, -32600, JSON.stringify(answer).slice(0, 300));
      assert.match(answer.error?.message ?? '', /could not be encoded for server "echo"/);
    }
    assert.equal(
      answers.find((answer) => answer.id === 3)?.result?.content?.[0]?.text,
      'ok',
      run.stdout.slice(-500),
    );
  });

  it('a result nested too deeply to encode gets an error; its server cannot crash the hub with one', async () => {
    const deepConfig = writeConfig('deep', {
      // Answers every call with a result 200,000 arrays deep, after one such response to an unused id.
      deep: { command: nodeBin, args: [fixturePath('garbage'), '--stdio', '--deep-results'], prefix: false },
      echo: { command: nodeBin, args: [fixturePath('echo'), '--stdio'] },
    });
    const { run, answers } = await serveLines(
      [
        JSON.stringify(INITIALIZE),
        JSON.stringify(INITIALIZED),
        toolCall(2, 'echo', { text: 'x' }),
        toolCall(3, 'echo__echo', { text: 'alive' }),
        '',
      ],
      deepConfig,
    );
    // Before: the SDK's report of the response to the unused id stringified it, and the hub died (exit 1,
    // which `serveLines` checks).
    const deep = answers.find((answer) => answer.id === 2);
    assert.equal(deep?.error?.code, -32603, run.stdout.slice(0, 1000));
    assert.match(
      deep?.error?.message ?? '',
      /server "deep" answered with a result nested over 1000 levels deep/,
    );
    assert.equal(answers.find((answer) => answer.id === 3)?.result?.content?.[0]?.text, 'alive');
  });

  it("drops a server's progress notification whose progress is not a number, and relays the valid one", async () => {
    const progressConfig = writeConfig('progress', {
      // Before its answer: progress "half" (a string), then progress 1 of 2.
      bad: { command: nodeBin, args: [fixturePath('garbage'), '--stdio', '--bad-progress'], prefix: false },
    });
    const call = { name: 'echo', arguments: { text: 'x' }, _meta: { progressToken: 'p1' } };
    const { run, answers } = await serveLines(
      [
        JSON.stringify(INITIALIZE),
        JSON.stringify(INITIALIZED),
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: call }),
        '',
      ],
      progressConfig,
    );
    const progress = (answers as { method?: string; params?: Record<string, unknown> }[])
      .filter((message) => message.method === 'notifications/progress')
      .map((message) => message.params);
    // MCP's progress is a number: the SDK's own clients drop such a notification as invalid, so the hub
    // does not pass it on (nor let it extend the call's timeout).
    assert.deepEqual(progress, [{ progress: 1, total: 2, progressToken: 'p1' }], run.stdout.slice(0, 1000));
    assert.equal(answers.find((answer) => answer.id === 2)?.result?.content?.[0]?.text, 'x');
  });

  it('returns the memory start-up left behind once it is idle (one full GC, logged)', async () => {
    const child = spawn(nodeBin, [
      join(REPO, 'src/cli/main.ts'),
      'serve',
      '--stdio',
      '--verbose',
      '--config',
      config,
    ]);
    let stderr = '';
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reclaim logged in 30 s:\n${stderr}`)), 30_000);
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const found = stderr.split('\n').find((l) => l.includes('idle memory reclaimed'));
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
    const logged = JSON.parse(line) as { pauseMs: number; rssMbBefore: number; rssMbAfter: number };
    assert.equal(typeof logged.pauseMs, 'number');
    assert.ok(logged.rssMbAfter < logged.rssMbBefore, line);
    assert.doesNotMatch(stderr, /could not reclaim/);
  });
});
