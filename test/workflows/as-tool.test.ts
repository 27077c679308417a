// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/** A workflow answered as an MCP tool call: its definition, progress per step, results and errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSpecType } from '@modelcontextprotocol/client';
import { callWorkflowTool, workflowTool } from '../../src/workflows/as-tool.ts';
import { parseWorkflow } from '../../src/workflows/load.ts';
import { type Harness, withFixtureHarness } from './_helpers.ts';

let h: Harness;
withFixtureHarness((setup) => {
  h = setup.h;
});

const greet = parseWorkflow(
  `
name: greet
description: Greets someone twice.
inputs: { type: object, properties: { who: { type: string } }, required: [who] }
steps:
  hello: { tool: echo__echo, args: { text: "hello \${{ inputs.who }}" } }
  again: { tool: echo__echo, args: { text: "\${{ steps.hello.result.text }} again" } }
  never: { tool: echo__echo, args: { text: x }, when: "false" }
outputs: { text: "\${{ steps.again.result.text }}" }
`,
  'greet.yaml',
);

describe('a workflow as an MCP tool', { timeout: 60_000 }, () => {
  it('is described by a valid tool definition whose input schema is the workflow inputs', () => {
    const tool = workflowTool(greet, 'workflows__greet');
    assert.equal(isSpecType.Tool(tool), true);
    assert.equal(tool.name, 'workflows__greet');
    assert.equal(tool.description, 'Greets someone twice.');
    assert.deepEqual(tool.inputSchema, greet.inputs);
  });

  it('runs the workflow, reporting progress after each step, and answers with the outputs', async () => {
    const progress: string[] = [];
    const result = await callWorkflowTool(
      h.executor,
      greet,
      { who: 'Ada' },
      {
        signal: AbortSignal.timeout(30_000),
        onprogress: (p) => progress.push(`${p.progress}/${p.total} ${p.message}`),
      },
    );
    assert.equal(result.isError, undefined);
    assert.equal(isSpecType.CallToolResult(result), true);
    assert.deepEqual(result.content, [{ type: 'text', text: '{"text":"hello Ada again"}' }]);
    assert.equal((result.structuredContent as { status: string }).status, 'succeeded');
    assert.deepEqual(
      progress.sort(),
      ['1/3 step never skipped', '2/3 step hello succeeded', '3/3 step again succeeded'].sort(),
    );
    assert.deepEqual(
      progress.map((p) => p.split(' ')[0]),
      ['1/3', '2/3', '3/3'],
    );
  });

  it('answers a failed run and bad inputs as tool errors, not protocol errors', async () => {
    const failing = parseWorkflow(
      `
name: failing
steps:
  made: { tool: echo__echo, args: { text: made }, compensate: { tool: echo__echo, args: { text: undo } } }
  boom: { tool: echo__fail, args: { message: boom }, needs: [made] }
`,
      'failing.yaml',
    );
    const failed = await callWorkflowTool(h.executor, failing, {}, { signal: AbortSignal.timeout(30_000) });
    assert.equal(failed.isError, true);
    assert.match(
      String(failed.content[0]?.type === 'text' && failed.content[0].text),
      /^workflow failing failed: echo__fail returned an error: boom \(run [0-9a-f-]{36}\)$/,
    );
    assert.deepEqual((failed.structuredContent as { compensated: string[] }).compensated, ['made']);

    const bad = await callWorkflowTool(
      h.executor,
      greet,
      { who: 42 },
      { signal: AbortSignal.timeout(30_000) },
    );
    assert.equal(bad.isError, true);
    assert.match(
      String(bad.content[0]?.type === 'text' && bad.content[0].text),
      /invalid inputs for workflow greet: \/who must be string/,
    );
  });
});
