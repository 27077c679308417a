// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the composite template syntax under test
/**
 * Composite fan-out tools on a real hub: `search` fixture servers as stdio children, the composites
 * parsed from a config text by the real loader and served through `createCompositeSource`, called
 * through the hub's call path and through an MCP client on its HTTP face.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { createCompositeSource } from '../src/composite/source.ts';
import { ConfigError } from '../src/config/config-error.ts';
import { parseConfig } from '../src/config/load.ts';
import type { CompositeConfig } from '../src/config/orchestration.ts';
import { HubError } from '../src/errors.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { httpClient, textOf, waitFor } from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

/** Every search call in these tests waits this long at the fixture, so parallel calls overlap widely. */
const DELAY_MS = 800;

const search = (...args: string[]) => ({
  command: nodeBin,
  args: [fixturePath('search'), '--stdio', ...args],
});
const query = { query: '${{ args.q }}' };

const CONFIG = {
  servers: {
    web: search('--name', 'web', '--corpus', 'a,b,c', '--delay-ms', String(DELAY_MS)),
    docs: search('--name', 'docs', '--corpus', 'b,c,d', '--delay-ms', String(DELAY_MS)),
    // Serves what web serves, under the same name: its answers equal web's (a majority in a vote).
    mirror: search('--name', 'web', '--corpus', 'a,b,c', '--delay-ms', String(DELAY_MS)),
    quick: search('--name', 'quick', '--corpus', 'q'),
    broken: search('--name', 'broken', '--fail'),
    lagging: search('--name', 'lagging', '--corpus', 'z', '--delay-ms', '50000'),
  },
  composites: {
    search_all: {
      title: 'Search everywhere',
      description: 'Searches web, docs and the mirror at once.',
      inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      branches: [
        { tool: 'web__search', args: query },
        { tool: 'docs__search', args: query },
        { tool: 'mirror__search', args: query },
      ],
    },
    search_unique: {
      aggregate: 'dedupe',
      key: 'id',
      branches: [
        { tool: 'docs__search', args: query },
        { tool: 'web__search', args: query },
      ],
    },
    search_vote: {
      aggregate: 'vote',
      branches: [
        { id: 'web', tool: 'web__search', args: query },
        { id: 'docs', tool: 'docs__search', args: query },
        { id: 'mirror', tool: 'mirror__search', args: query },
      ],
    },
    search_tie: {
      aggregate: 'vote',
      branches: [
        { tool: 'web__search', args: query },
        { tool: 'docs__search', args: query },
      ],
    },
    search_some: {
      branches: [
        { tool: 'web__search', args: query },
        { tool: 'broken__search', args: query },
        { tool: 'nowhere__search', args: query },
      ],
    },
    search_strict: {
      minSuccesses: 2,
      branches: [
        { tool: 'web__search', args: query },
        { tool: 'broken__search', args: query },
      ],
    },
    search_deadline: {
      timeoutMs: 5000,
      branches: [
        { tool: 'web__search', args: query },
        { tool: 'lagging__search', args: query },
      ],
    },
    search_first: {
      aggregate: 'first-success',
      branches: [
        { id: 'lag1', tool: 'lagging__search', args: query },
        { id: 'quick', tool: 'quick__search', args: query },
        { id: 'lag2', tool: 'lagging__search', args: query },
      ],
    },
    search_templated: {
      branches: [
        {
          id: 'shaped',
          tool: 'web__search',
          args: { query: '${{ args.q }} (${{ args.lang }})', limit: '${{ args.n }}' },
        },
        { id: 'fixed', tool: 'docs__search', args: { query: 'always this', limit: 1 } },
      ],
    },
  },
};

interface Structured {
  result?: unknown;
  succeeded: number;
  failed: number;
  error?: string;
  votes?: { value: unknown; count: number; branches: string[] }[];
  branches: { id: string; tool: string; status: string; error?: string; server?: string; ms: number }[];
}

interface CallRecord {
  query: string;
  start: number;
  end?: number;
  outcome?: string;
}

let t: TestHub;
let composites: CompositeConfig[];

/** Calls tool `name` through the hub's call path (as a client's call arrives there). */
async function callTool(name: string, args: Record<string, unknown>, signal = AbortSignal.timeout(60_000)) {
  const result = (await t.hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal,
  })) as CallToolResult;
  return { result, structured: result.structuredContent as unknown as Structured };
}

/** What server `name` logged for searches of `q`. */
async function callsAt(server: string, q: string): Promise<CallRecord[]> {
  const { result } = await callTool(`${server}__calls`, {});
  return (JSON.parse(textOf(result)) as CallRecord[]).filter((call) => call.query === q);
}

const ids = (value: unknown) => (value as { id: string }[]).map((item) => item.id);

describe('composite fan-out tools', { timeout: 120_000 }, () => {
  before(async () => {
    const config = parseConfig(JSON.stringify(CONFIG), 'composites-test.json');
    composites = config.composites ?? [];
    t = await createTestHub(config.servers, { http: true });
    t.hub.setLocalTools(
      createCompositeSource(composites, t.hub.call, {
        file: config.file,
        serverOf: (tool) => t.hub.catalog.tools.get(tool)?.server,
      }),
    );
  });
  after(() => t.close());

  it('concat: runs the branches at the same time and lists every item in branch order', async () => {
    const { result, structured } = await callTool('search_all', { q: 'overlap' });
    assert.equal(result.isError, undefined);
    assert.deepEqual(ids(structured.result), ['a', 'b', 'c', 'b', 'c', 'd', 'a', 'b', 'c']);
    assert.deepEqual(
      structured.branches.map(({ id, status, server }) => [id, status, server]),
      [
        ['web__search', 'ok', 'web'],
        ['docs__search', 'ok', 'docs'],
        ['mirror__search', 'ok', 'mirror'],
      ],
    );
    assert.equal(structured.succeeded, 3);
    assert.equal(structured.failed, 0);
    // Each server saw its search begin before any of the three ended: the calls overlapped.
    const spans = (await Promise.all(['web', 'docs', 'mirror'].map((s) => callsAt(s, 'overlap')))).flat();
    assert.equal(spans.length, 3);
    const lastStart = Math.max(...spans.map((span) => span.start));
    const firstEnd = Math.min(...spans.map((span) => span.end ?? Number.POSITIVE_INFINITY));
    assert.ok(lastStart < firstEnd, `searches did not overlap: ${JSON.stringify(spans)}`);
    assert.equal(JSON.parse(textOf(result)).length, 9, 'the text is the JSON of the result');
  });

  it('dedupe: keeps the first item of each key, in branch order', async () => {
    const { structured } = await callTool('search_unique', { q: 'dedupe' });
    assert.deepEqual(structured.result, [
      { id: 'b', title: 'b: dedupe', source: 'docs' },
      { id: 'c', title: 'c: dedupe', source: 'docs' },
      { id: 'd', title: 'd: dedupe', source: 'docs' },
      { id: 'a', title: 'a: dedupe', source: 'web' },
    ]);
  });

  it('vote: answers the value most branches returned, with the counts', async () => {
    const { result, structured } = await callTool('search_vote', { q: 'vote' });
    assert.equal(result.isError, undefined);
    assert.deepEqual(ids(structured.result), ['a', 'b', 'c']);
    assert.deepEqual(
      structured.votes?.map(({ count, branches }) => ({ count, branches })),
      [
        { count: 2, branches: ['web', 'mirror'] },
        { count: 1, branches: ['docs'] },
      ],
    );
  });

  it('vote: a tie is a tool error that shows the votes', async () => {
    const { result, structured } = await callTool('search_tie', { q: 'tie' });
    assert.equal(result.isError, true);
    assert.match(textOf(result), /^search_tie: vote tied: 2 values have 1 votes each/);
    assert.equal(structured.votes?.length, 2);
    assert.equal(structured.result, undefined);
  });

  it('partial failure: the successes are answered, each failure listed with its reason and server', async () => {
    const { result, structured } = await callTool('search_some', { q: 'partial' });
    assert.equal(result.isError, undefined);
    assert.deepEqual(ids(structured.result), ['a', 'b', 'c']);
    assert.equal(structured.succeeded, 1);
    assert.equal(structured.failed, 2);
    const [, broken, nowhere] = structured.branches;
    assert.deepEqual([broken?.status, broken?.server], ['failed', 'broken']);
    assert.match(broken?.error ?? '', /broken__search returned an error: broken index unavailable/);
    assert.equal(nowhere?.status, 'failed');
    assert.match(nowhere?.error ?? '', /unknown tool: nowhere__search/);
    const lines = textOf(result).split('\n');
    assert.deepEqual(ids(JSON.parse(lines[0] ?? '')), ['a', 'b', 'c']);
    assert.match(
      lines[1] ?? '',
      /^branch broken__search \(broken__search on broken\) failed: .*index unavailable/,
    );
    assert.match(lines[2] ?? '', /^branch nowhere__search \(nowhere__search\) failed: unknown tool/);
  });

  it('minSuccesses not met: a tool error (not a protocol error) that says how many succeeded', async () => {
    const { result, structured } = await callTool('search_strict', { q: 'strict' });
    assert.equal(result.isError, true);
    assert.match(
      textOf(result),
      /^search_strict: 1 of 2 branches succeeded, 2 needed\nbranch broken__search/,
    );
    assert.deepEqual([structured.succeeded, structured.failed], [1, 1]);
    assert.equal(structured.result, undefined);
  });

  it('timeout: a branch still running at timeoutMs is aborted and counts as failed', async () => {
    const { result, structured } = await callTool('search_deadline', { q: 'deadline' });
    assert.equal(result.isError, undefined, 'one success is enough');
    const [web, lagging] = structured.branches;
    assert.equal(web?.status, 'ok');
    assert.deepEqual([lagging?.status, lagging?.server], ['timeout', 'lagging']);
    assert.equal(lagging?.error, 'no answer within 5000 ms');
    assert.match(
      textOf(result),
      /branch lagging__search \(lagging__search on lagging\) timeout: no answer within 5000 ms/,
    );
    // The abort reached the server: it stopped waiting instead of answering 50 s later.
    await waitFor(
      'lagging to see the cancellation',
      async () => (await callsAt('lagging', 'deadline'))[0]?.outcome === 'cancelled',
    );
  });

  it('first-success: the first branch to succeed wins and the others are cancelled at their servers', async () => {
    const { result, structured } = await callTool('search_first', { q: 'first' });
    assert.equal(result.isError, undefined);
    assert.deepEqual(structured.result, [{ id: 'q', title: 'q: first', source: 'quick' }]);
    assert.deepEqual(
      structured.branches.map(({ id, status }) => [id, status]),
      [
        ['lag1', 'cancelled'],
        ['quick', 'ok'],
        ['lag2', 'cancelled'],
      ],
    );
    assert.match(structured.branches[0]?.error ?? '', /not needed/);
    await waitFor('both lagging searches to be cancelled', async () => {
      const calls = await callsAt('lagging', 'first');
      return calls.length === 2 && calls.every((call) => call.outcome === 'cancelled');
    });
  });

  it("the caller's cancellation aborts every branch", async () => {
    const controller = new AbortController();
    const pending = callTool('search_deadline', { q: 'abandoned' }, controller.signal);
    await waitFor(
      'lagging to receive the search',
      async () => (await callsAt('lagging', 'abandoned')).length === 1,
    );
    controller.abort();
    await assert.rejects(pending, (error) => HubError.is(error) && error.code === 'CANCELLED');
    await waitFor(
      'lagging to see the cancellation',
      async () => (await callsAt('lagging', 'abandoned'))[0]?.outcome === 'cancelled',
    );
  });

  it('templates branch arguments from the call arguments, keeping their types', async () => {
    const { structured } = await callTool('search_templated', { q: 'cats', lang: 'en', n: 2 });
    assert.deepEqual(structured.result, [
      { id: 'a', title: 'a: cats (en)', source: 'web' },
      { id: 'b', title: 'b: cats (en)', source: 'web' },
      { id: 'b', title: 'b: always this', source: 'docs' },
    ]);
    // Without `lang` the templated branch cannot be rendered: that branch fails, naming itself.
    const missing = await callTool('search_templated', { q: 'dogs', n: 1 });
    const shaped = missing.structured.branches[0];
    assert.equal(shaped?.status, 'failed');
    assert.match(shaped?.error ?? '', /^arguments of branch shaped: .*lang/);
    assert.equal(missing.structured.succeeded, 1);
  });

  it('answers arguments that break the inputSchema as a tool error, calling no branch', async () => {
    const { result } = await callTool('search_all', { q: 7 });
    assert.equal(result.isError, true);
    assert.equal(textOf(result), 'invalid arguments for search_all: /q must be string');
    assert.deepEqual(await callsAt('web', '7'), []);
  });

  describe("through an MCP client on the hub's HTTP face", () => {
    let client: Client;
    before(async () => {
      ({ client } = await httpClient(t.http?.url ?? ''));
    });
    after(() => client.close());

    it('lists each composite as a tool with its schema', async () => {
      const { tools } = await client.listTools();
      const tool = tools.find((candidate) => candidate.name === 'search_all');
      assert.ok(tool, `search_all is not listed: ${tools.map((candidate) => candidate.name).join(', ')}`);
      assert.equal(tool.title, 'Search everywhere');
      assert.equal(tool.description, 'Searches web, docs and the mirror at once.');
      assert.deepEqual(tool.inputSchema.required, ['q']);
      assert.equal(tool.outputSchema?.type, 'object');
      const plain = tools.find((candidate) => candidate.name === 'search_vote');
      assert.deepEqual(plain?.inputSchema, { type: 'object' });
      assert.match(
        plain?.description ?? '',
        /web__search, docs__search, mirror__search in parallel \(3 branches\).*vote/,
      );
    });

    it('calls a composite, reporting progress as branches finish', async () => {
      const progress: string[] = [];
      const result = (await client.callTool(
        { name: 'search_all', arguments: { q: 'remote' } },
        { onprogress: ({ progress: n, total }) => progress.push(`${n}/${total}`) },
      )) as CallToolResult;
      assert.equal(result.isError, undefined);
      assert.deepEqual(ids((result.structuredContent as unknown as Structured).result), [
        'a',
        'b',
        'c',
        'b',
        'c',
        'd',
        'a',
        'b',
        'c',
      ]);
      assert.deepEqual(progress, ['1/3', '2/3', '3/3']);
    });
  });
});

describe('composite config errors', () => {
  const call = () => Promise.reject(new Error('never called'));
  const composite = (name: string, branches: CompositeConfig['branches']): CompositeConfig => ({
    name,
    branches,
    aggregate: 'concat',
    minSuccesses: 1,
  });

  it('names the file, the field and a fix for a bad template, every one at once', () => {
    const bad = [
      composite('one', [{ id: 'x', tool: 'web__search', args: { query: '${{ args.q + }}' } }]),
      composite('two', [{ id: 'y', tool: 'web__search', args: { nested: ['${{ }}'] } }]),
    ];
    assert.throws(
      () => createCompositeSource(bad, call, { file: 'toolmesh.yaml' }),
      (error) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.issues.map((issue) => [issue.file, issue.path]),
          [
            ['toolmesh.yaml', 'composites.one.branches[0].args.query'],
            ['toolmesh.yaml', 'composites.two.branches[0].args.nested[0]'],
          ],
        );
        assert.match(error.message, /Fix: write a CEL expression/);
        return true;
      },
    );
  });

  it('names a composite whose inputSchema is not a JSON Schema', () => {
    const bad = { ...composite('odd', []), inputSchema: { type: 'nonsense' } };
    assert.throws(
      () => createCompositeSource([bad], call, { file: 'toolmesh.yaml' }),
      /^ConfigError: toolmesh\.yaml composites\.odd\.inputSchema: not a valid JSON Schema: .*Fix: write a JSON Schema/s,
    );
  });

  it('refuses composites that call each other in a loop', () => {
    const loop = [
      composite('a', [{ id: 'b', tool: 'b', args: {} }]),
      composite('b', [
        { id: 'web', tool: 'web__search', args: {} },
        { id: 'a', tool: 'a', args: {} },
      ]),
      composite('c', [{ id: 'a', tool: 'a', args: {} }]),
    ];
    assert.throws(
      () => createCompositeSource(loop, call),
      /composites\.a: composites call each other in a loop: a → b → a/,
    );
    assert.doesNotThrow(() => createCompositeSource([loop[2] as CompositeConfig, composite('b', [])], call));
  });
});
