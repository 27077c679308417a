// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/** Many runs at once on one hub and one journal: every run completes with its own correct result. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWorkflow } from '../../src/workflows/load.ts';
import { type Harness, withFixtureHarness } from './_helpers.ts';

let h: Harness;
withFixtureHarness((setup) => {
  h = setup.h;
});

// Ten steps: two parallel chains of adds that each depend on the previous, joined at the end.
const lines = [
  'name: ten',
  'inputs: { type: object, properties: { n: { type: integer } }, required: [n] }',
  'steps:',
];
lines.push('  a0: { tool: echo__add, args: { a: "${{ inputs.n }}", b: 1 } }');
lines.push('  b0: { tool: echo__add, args: { a: "${{ inputs.n }}", b: 2 } }');
for (let i = 1; i < 4; i++) {
  lines.push(`  a${i}: { tool: echo__add, args: { a: "\${{ steps.a${i - 1}.result }}", b: 1 } }`);
  lines.push(`  b${i}: { tool: echo__add, args: { a: "\${{ steps.b${i - 1}.result }}", b: 2 } }`);
}
lines.push('  join: { tool: echo__add, args: { a: "${{ steps.a3.result }}", b: "${{ steps.b3.result }}" } }');
lines.push('  say: { tool: echo__echo, args: { text: "n=${{ inputs.n }} sum=${{ steps.join.result }}" } }');
lines.push('outputs: { text: "${{ steps.say.result.text }}" }');
const workflow = parseWorkflow(lines.join('\n'), 'ten.yaml');

describe('concurrent runs', { timeout: 300_000 }, () => {
  it('completes 200 concurrent runs of a 10-step workflow with correct results', async () => {
    assert.equal(workflow.steps.size, 10);
    const runs = Array.from({ length: 200 }, (_, n) => h.executor.run(workflow, { n }));
    const results = await Promise.all(runs);
    results.forEach((result, n) => {
      assert.equal(result.status, 'succeeded', result.error ?? '');
      // a-chain adds 4, b-chain adds 8: (n + 4) + (n + 8)
      assert.deepEqual(result.outputs, { text: `n=${n} sum=${2 * n + 12}` });
      assert.equal(h.runtime.history(result.runId).length, 10);
    });
    assert.equal(new Set(results.map((r) => r.runId)).size, 200);
    assert.equal(h.events.filter((e) => e.type === 'call' && e.state === 'succeeded').length, 2000);
  });
});
