/**
 * The protocol combinations no public suite covers: clients and upstreams of different eras, input
 * requests routed to the client that caused them, concurrent progress, cancellation racing completion,
 * log messages attributed to their server, and an HTTP upstream that restarts under a live session.
 * Everything is real: fixture servers as child processes, the hub's HTTP face on loopback, SDK clients.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type CallToolResult,
  Client,
  type LoggingMessageNotificationParams,
  ProtocolError,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { InProcessStdio } from '../src/testing/stdio-pair.ts';
import { createTestHub, type TestHub, type TestServer } from '../src/testing/test-hub.ts';
import { freePort, type HttpFixture, startHttpFixture, stdioFixture } from './fixtures/spawn.ts';

type ClientEra = 'legacy' | 'auto';
const ERA_NAME: Record<ClientEra, string> = { legacy: '2025-11-25', auto: '2026-07-28' };

function text(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/**
 * A client of the hub that can sample, elicit and list roots, answering every request with its own name,
 * so a test can tell which client answered.
 */
async function answeringClient(connect: () => Transport, era: ClientEra, name: string): Promise<Client> {
  const client = new Client(
    { name, version: '1' },
    {
      versionNegotiation: { mode: era },
      capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} },
    },
  );
  client.setRequestHandler('sampling/createMessage', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // let concurrent calls overlap
    return { role: 'assistant', model: 'test', content: { type: 'text', text: `sampled by ${name}` } };
  });
  client.setRequestHandler('elicitation/create', async () => ({
    action: 'accept',
    content: { username: name, email: `${name}@example.test` },
  }));
  client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: `file:///${name}`, name }] }));
  await client.connect(connect());
  return client;
}

/**
 * Both faces: over stdio a 2025-era client's `tools/call` is answered by `DirectAnswers`, not the SDK, so
 * everything here must hold on that path too.
 */
for (const face of ['HTTP', 'stdio'] as const)
  describe(`bridging eras and routing input (real fixtures behind the ${face} face)`, () => {
    let testHub: TestHub;
    let legacyOverHttp: HttpFixture;
    let url: string;
    const connect = (): Transport =>
      face === 'HTTP' ? new StreamableHTTPClientTransport(new URL(url)) : new InProcessStdio(testHub.hub);

    before(async () => {
      legacyOverHttp = await startHttpFixture('conformance', ['--era', 'legacy']);
      const servers: TestServer[] = [
        { name: 'modern', ...stdioFixture('conformance', ['--era', 'modern']) },
        { name: 'legacy', ...stdioFixture('conformance', ['--era', 'legacy']) },
        { name: 'legacyhttp', transport: 'http', url: legacyOverHttp.url },
        { name: 'slowa', ...stdioFixture('slow') },
        { name: 'slowb', ...stdioFixture('slow') },
      ];
      testHub = await createTestHub(servers, { http: true });
      url = testHub.http?.url ?? '';
    });

    after(async () => {
      await testHub?.close();
      await legacyOverHttp?.stop();
    });

    it('speaks each era to each upstream', () => {
      const eras = Object.fromEntries(testHub.hub.servers().map((s) => [s.name, s.protocolVersion]));
      assert.equal(eras.modern, '2026-07-28');
      assert.equal(eras.legacy, '2025-11-25');
      assert.equal(eras.legacyhttp, '2025-11-25');
    });

    for (const era of ['legacy', 'auto'] as const) {
      for (const upstream of ['modern', 'legacy', 'legacyhttp']) {
        it(`a ${ERA_NAME[era]} client answers sampling, elicitation and roots for the ${upstream} upstream`, async () => {
          const client = await answeringClient(connect, era, `client-${era}`);
          try {
            const sampled = await client.callTool({
              name: `${upstream}__test_sampling`,
              arguments: { prompt: 'hello' },
            });
            assert.equal(text(sampled), `LLM response: sampled by client-${era}`);
            const elicited = await client.callTool({
              name: `${upstream}__test_elicitation`,
              arguments: { message: 'who are you?' },
            });
            assert.match(text(elicited), new RegExp(`client-${era}@example\\.test`));
            const roots = await client.callTool({
              name: `${upstream}__test_input_required_result_list_roots`,
            });
            assert.equal(text(roots), `Roots: file:///client-${era}`);
          } finally {
            await client.close();
          }
        });
      }
    }

    it('a client that did not declare sampling is refused, and the upstream is told why', async () => {
      const client = new Client({ name: 'plain', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
      await client.connect(connect());
      try {
        const result = await client.callTool({ name: 'legacy__test_sampling', arguments: { prompt: 'x' } });
        assert.equal(result.isError, true, JSON.stringify(result));
        assert.match(text(result), /sampling/);
      } finally {
        await client.close();
      }
    });

    for (const era of ['legacy', 'auto'] as const) {
      it(`two ${ERA_NAME[era]} clients sampling at once through one 2025-era HTTP upstream each get their own answer`, async () => {
        const clients = await Promise.all(
          ['alice', 'bob', 'carol'].map((name) => answeringClient(connect, era, `${name}-${era}`)),
        );
        try {
          const results = await Promise.all(
            clients.map((client) =>
              client.callTool({ name: 'legacyhttp__test_sampling', arguments: { prompt: 'who?' } }),
            ),
          );
          assert.deepEqual(
            results.map(text),
            ['alice', 'bob', 'carol'].map((name) => `LLM response: sampled by ${name}-${era}`),
          );
        } finally {
          await Promise.all(clients.map((client) => client.close()));
        }
      });
    }

    it('two upstreams stream progress to two clients at once without crossing', async () => {
      const [first, second] = await Promise.all([
        answeringClient(connect, 'legacy', 'first'),
        answeringClient(connect, 'auto', 'second'),
      ]);
      try {
        const seen: Record<string, { progress: number; total?: number }[]> = { first: [], second: [] };
        const [a, b] = await Promise.all([
          first.callTool(
            { name: 'slowa__sleep', arguments: { ms: 700 } },
            { onprogress: (progress) => seen.first?.push(progress) },
          ),
          second.callTool(
            { name: 'slowb__sleep', arguments: { ms: 900 } },
            { onprogress: (progress) => seen.second?.push(progress) },
          ),
        ]);
        assert.ok(!a.isError && !b.isError);
        assert.ok((seen.first?.length ?? 0) >= 3, `first got ${seen.first?.length} progress notifications`);
        assert.ok(
          (seen.second?.length ?? 0) >= 3,
          `second got ${seen.second?.length} progress notifications`,
        );
        assert.ok(
          seen.first?.every((p) => p.total === 700),
          'every progress the first client saw is its own call',
        );
        assert.ok(
          seen.second?.every((p) => p.total === 900),
          'every progress the second client saw is its own call',
        );
        for (const list of Object.values(seen)) {
          assert.deepEqual(
            list.map((p) => p.progress),
            list.map((p) => p.progress).sort((x, y) => x - y),
            'progress arrives in order',
          );
        }
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it('cancellation racing completion: every call settles exactly once and the hub keeps serving', async () => {
      const client = await answeringClient(connect, 'legacy', 'racer');
      try {
        let results = 0;
        let cancelled = 0;
        // One call at a time, its abort landing before, around and after the 30 ms call completes. The
        // first call is aborted before it is sent and the last one never: both outcomes are certain to occur.
        for (let index = 0; index < 40; index += 1) {
          const controller = new AbortController();
          if (index === 0) controller.abort();
          else if (index < 39) setTimeout(() => controller.abort(), (index % 16) * 5);
          let settled = 0;
          try {
            const result = await client.callTool(
              { name: `slow${index % 2 ? 'a' : 'b'}__sleep`, arguments: { ms: 30 } },
              { signal: controller.signal },
            );
            settled += 1;
            assert.ok(!result.isError, JSON.stringify(result));
            results += 1;
          } catch (error) {
            settled += 1;
            assert.ok(controller.signal.aborted, `only a cancelled call may fail: ${String(error)}`);
            cancelled += 1;
          }
          assert.equal(settled, 1);
        }
        assert.equal(results + cancelled, 40);
        assert.ok(results > 0 && cancelled > 0, `results ${results}, cancelled ${cancelled}`);
        const after = await client.callTool({ name: 'slowa__sleep', arguments: { ms: 1 } });
        assert.ok(!after.isError);
        assert.deepEqual(
          testHub.hub.servers().map((s) => s.state),
          ['ready', 'ready', 'ready', 'ready', 'ready'],
        );
      } finally {
        await client.close();
      }
    });

    for (const upstream of ['modern', 'legacy', 'legacyhttp']) {
      it(`log messages from the ${upstream} upstream reach the calling client, named after their server`, async () => {
        const client = await answeringClient(connect, 'legacy', 'listener');
        const messages: LoggingMessageNotificationParams[] = [];
        client.setNotificationHandler('notifications/message', (notification) => {
          messages.push(notification.params);
        });
        try {
          await client.setLoggingLevel('warning');
          const result = await client.callTool({ name: `${upstream}__test_logging_tool` });
          assert.equal(text(result), 'logged at 8 levels');
          await new Promise((resolve) => setTimeout(resolve, 100)); // notifications trail the result slightly
          const mine = messages.filter((m) => String(m.logger).startsWith(`${upstream}/`));
          assert.deepEqual(
            mine.map((m) => m.level),
            ['warning', 'error', 'critical', 'alert', 'emergency'],
            JSON.stringify(messages),
          );
        } finally {
          await client.close();
        }
      });
    }

    it('completions and resource subscriptions reach the owning upstream', async () => {
      const client = await answeringClient(connect, 'legacy', 'subscriber');
      try {
        assert.ok(client.getServerCapabilities()?.completions, 'completions declared: upstreams have them');
        assert.ok(client.getServerCapabilities()?.resources?.subscribe, 'subscribe declared');
        const { prompts } = await client.listPrompts();
        const prompt = prompts.find((p) => p.name.startsWith('legacy__') && (p.arguments?.length ?? 0) > 0);
        assert.ok(prompt, 'a prompt with arguments');
        const completion = await client.complete({
          ref: { type: 'ref/prompt', name: prompt.name },
          argument: { name: prompt.arguments?.[0]?.name ?? '', value: '' },
        });
        assert.ok(Array.isArray(completion.completion.values));

        const updated: string[] = [];
        client.setNotificationHandler('notifications/resources/updated', (n) => {
          updated.push(n.params.uri);
        });
        await client.subscribeResource({ uri: 'test://watched-resource' });
        const deadline = Date.now() + 8_000;
        while (updated.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(updated.includes('test://watched-resource'), 'an update of the watched resource arrived');
        await client.unsubscribeResource({ uri: 'test://watched-resource' });
      } finally {
        await client.close();
      }
    });

    it('a requestState the hub never issued is refused with -32602', async () => {
      const client = new Client({ name: 'forger', version: '1' }, { versionNegotiation: { mode: 'auto' } });
      await client.connect(connect());
      try {
        const error = await client
          .request({
            method: 'tools/call',
            params: {
              name: 'legacy__test_sampling',
              arguments: { prompt: 'x' },
              requestState: 'toolmesh.input.forged',
            },
          })
          .then(
            () => undefined,
            (reason: unknown) => reason,
          );
        assert.ok(error instanceof ProtocolError, String(error));
        assert.equal(error.code, -32602);
      } finally {
        await client.close();
      }
    });
  });

describe('pagination over many servers', () => {
  it('a catalog larger than a page is walked with cursors, every tool exactly once, in both eras', async () => {
    const testHub = await createTestHub(
      [
        { name: 'one', ...stdioFixture('many'), env: { FIXTURE_TOOLS: '400' } },
        { name: 'two', ...stdioFixture('many'), env: { FIXTURE_TOOLS: '400' } },
      ],
      { http: true },
    );
    try {
      for (const era of ['legacy', 'auto'] as const) {
        const client = new Client({ name: 'pager', version: '1' }, { versionNegotiation: { mode: era } });
        await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
        try {
          const names: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            // One page per request (listTools() without a cursor would walk them all itself).
            const result = (await client.request({
              method: 'tools/list',
              params: cursor === undefined ? {} : { cursor },
            })) as { tools: { name: string }[]; nextCursor?: string };
            names.push(...result.tools.map((tool) => tool.name));
            cursor = result.nextCursor;
            pages += 1;
          } while (cursor);
          assert.equal(pages, 2, `${era}: 800 tools in pages of 500`);
          assert.equal(names.length, 800);
          assert.equal(new Set(names).size, 800, 'no tool twice');
          assert.ok(names.includes('one__tool_0000') && names.includes('two__tool_0399'));
          assert.equal((await client.listTools()).tools.length, 800, 'the SDK walks the pages too');
          const called = await client.callTool({ name: 'two__tool_0399' });
          assert.equal(text(called), 'tool_0399 called');
        } finally {
          await client.close();
        }
      }
    } finally {
      await testHub.close();
    }
  });
});

describe('self-healing upstream sessions', () => {
  it('an HTTP upstream restarted between two calls: the second call succeeds on the same client session', async () => {
    const port = await freePort();
    let upstream = await startHttpFixture('echo', [], { port });
    const testHub = await createTestHub([{ name: 'echo', transport: 'http', url: upstream.url }], {
      http: true,
    });
    const client = new Client({ name: 'test', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
    try {
      const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId;
      const before = await client.callTool({ name: 'echo__echo', arguments: { text: 'before' } });
      assert.equal(text(before), 'before');

      await upstream.stop(); // its 2025-era session dies with it
      upstream = await startHttpFixture('echo', [], { port });

      const afterRestart = await client.callTool({ name: 'echo__echo', arguments: { text: 'after' } });
      assert.equal(text(afterRestart), 'after');
      assert.equal(
        (client.transport as StreamableHTTPClientTransport).sessionId,
        sessionId,
        'same hub session',
      );
      assert.equal(testHub.hub.servers()[0]?.state, 'ready');
    } finally {
      await client.close();
      await testHub.close();
      await upstream.stop();
    }
  });
});
