// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/**
 * Workflows from the config served by the hub itself: listed by `tools/list` next to the servers' tools,
 * called by an MCP client over the HTTP face with progress per step, journaled in the hub's store, and
 * refused with a readable tool error on bad inputs. Real fixture servers, real HTTP.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ConfigError } from '../../src/config/config-error.ts';
import { createTestHub, type TestHub } from '../../src/testing/test-hub.ts';
import type { SqliteRuntime } from '../../src/workflows/sqlite-runtime.ts';
import { httpClient } from '../faults/_helpers.ts';
import { stdioFixture } from '../fixtures/spawn.ts';
import { scratchDir } from './_helpers.ts';

const GREET = `
name: greet
description: Greets someone, then repeats it.
inputs: { type: object, properties: { who: { type: string } }, required: [who] }
steps:
  hello: { tool: echo__echo, args: { text: "hello \${{ inputs.who }}" } }
  again: { tool: echo__echo, args: { text: "\${{ steps.hello.result.text }} again" } }
outputs: { text: "\${{ steps.again.result.text }}" }
`;

/** A step whose tool asks the client for a sampling: the request must reach the client that called. */
const ASK = `
name: ask
steps:
  sample: { tool: legacy__test_sampling, args: { prompt: "hi" } }
outputs: { answer: "\${{ steps.sample.result }}" }
`;

describe('workflows served by the hub', { timeout: 60_000 }, () => {
  const scratch = scratchDir();
  let testHub: TestHub;
  let client: Client;

  before(async () => {
    writeFileSync(join(scratch.dir, 'greet.yaml'), GREET);
    writeFileSync(join(scratch.dir, 'ask.yaml'), ASK);
    const servers = [
      { name: 'echo', ...stdioFixture('echo') },
      { name: 'legacy', ...stdioFixture('conformance', ['--era', 'legacy']) },
    ];
    testHub = await createTestHub(servers, {
      http: true,
      storePath: join(scratch.dir, 'toolmesh.db'),
      orchestration: { workflows: [join(scratch.dir, '*.yaml')] },
    });
    ({ client } = await httpClient(`http://127.0.0.1:${testHub.http?.port}/mcp`));
  });
  after(async () => {
    await client?.close();
    await testHub?.close();
    scratch.remove();
  });

  it('lists each workflow as a tool whose input schema is the workflow inputs', async () => {
    const { tools } = await client.listTools();
    const greet = tools.find((tool) => tool.name === 'greet');
    assert.ok(greet, `tools: ${tools.map((tool) => tool.name).join(', ')}`);
    assert.equal(greet.description, 'Greets someone, then repeats it.');
    assert.deepEqual(greet.inputSchema.required, ['who']);
    assert.ok(
      tools.some((tool) => tool.name === 'echo__echo'),
      'the servers tools are still listed',
    );
  });

  it('runs a call through the hub, with progress per step, and journals the run in the store file', async () => {
    const progress: number[] = [];
    const result = (await client.callTool(
      { name: 'greet', arguments: { who: 'Ada' } },
      {
        onprogress: (p) => progress.push(p.progress),
      },
    )) as CallToolResult;
    assert.equal(result.isError, undefined);
    const { runId, outputs } = result.structuredContent as { runId: string; outputs: { text: string } };
    assert.equal(outputs.text, 'hello Ada again');
    assert.deepEqual(progress, [1, 2]);
    const runtime = testHub.hub.workflows?.runtime as SqliteRuntime;
    assert.equal(runtime.run(runId)?.status, 'succeeded');
    assert.deepEqual(
      runtime.history(runId).map((step) => step.key),
      ['hello', 'again'],
    );
  });

  it("sends a step's request for input to the client whose call started the run", async () => {
    const asking = new Client({ name: 'alice', version: '1' }, { capabilities: { sampling: {} } });
    asking.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant',
      model: 'test',
      content: { type: 'text', text: 'sampled by alice' },
    }));
    await asking.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${testHub.http?.port}/mcp`)),
    );
    try {
      const result = (await asking.callTool({ name: 'ask', arguments: {} })) as CallToolResult;
      assert.equal(result.isError, undefined, JSON.stringify(result.content));
      const { outputs } = result.structuredContent as { outputs: { answer: string } };
      assert.equal(outputs.answer, 'LLM response: sampled by alice');
    } finally {
      await asking.close();
    }
  });

  it('answers inputs that break the schema with a tool error naming the problem', async () => {
    const result = (await client.callTool({ name: 'greet', arguments: {} })) as CallToolResult;
    assert.equal(result.isError, true);
    assert.match(JSON.stringify(result.content), /invalid inputs for workflow greet: .*who/);
  });
});

describe('workflow files in the config', () => {
  it('that do not load stop the hub from starting, with file, line and field', async () => {
    const scratch = scratchDir();
    try {
      const file = join(scratch.dir, 'broken.yaml');
      writeFileSync(file, 'name: broken\nsteps:\n  a: { tool: echo__echo, retyr: 2 }\n');
      await assert.rejects(
        createTestHub([], { orchestration: { workflows: [file, join(scratch.dir, 'none-*.yaml')] } }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /broken\.yaml:3:\d+ steps\.a\.retyr: /);
          assert.match(error.message, /no workflow file matches .*none-\*\.yaml/);
          return true;
        },
      );
    } finally {
      scratch.remove();
    }
  });
});
