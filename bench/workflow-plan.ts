/**
 * Workflow planning time: compiling is done once at load; what runs per workflow is validation against
 * the catalog plus planning (`validateWorkflow`), and planning alone (`planSteps`). Measured on a
 * 100-step workflow shaped like real ones: 10 parallel chains of 10 steps that join at the end, every
 * step referring to the one before it through a `${{ }}` template.
 *
 *   node bench/workflow-plan.ts [--steps 100] [--iterations 2000]
 *
 * Prints median and p99 per plan in microseconds. Not a test: nothing asserts on the numbers.
 */

import { parseArgs } from 'node:util';
import type { Tool } from '@modelcontextprotocol/client';
import type { CatalogEntry } from '../src/catalog/catalog.ts';
import { parseWorkflow } from '../src/workflows/load.ts';
import { planSteps } from '../src/workflows/plan.ts';
import { validateWorkflow } from '../src/workflows/validate.ts';

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '100' }, iterations: { type: 'string', default: '2000' } },
});
const steps = Number(values.steps);
const iterations = Number(values.iterations);

const tool: Tool = {
  name: 'echo',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  outputSchema: { type: 'object', properties: { text: { type: 'string' } } },
};
const tools = new Map<string, CatalogEntry<Tool>>([
  ['echo__echo', { name: 'echo__echo', server: 'echo', original: 'echo', definition: tool }],
]);

const chains = 10;
const lines = ['name: bench', 'steps:'];
for (let i = 0; i < steps; i++) {
  const previous = i >= chains ? `s${i - chains}` : undefined;
  const text = previous ? `"\${{ steps.${previous}.result.text }}-${i}"` : `start-${i}`;
  lines.push(`  s${i}: { tool: echo__echo, args: { text: ${text} } }`);
}
lines.push(
  `  join: { tool: echo__echo, args: { text: done }, needs: [${Array.from({ length: chains }, (_, c) => `s${steps - 1 - c}`).join(', ')}] }`,
);
const workflow = parseWorkflow(lines.join('\n'), 'bench.yaml');

function measure(label: string, fn: () => void): void {
  for (let i = 0; i < 200; i++) fn(); // warm-up, so the JIT has compiled the hot paths
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0).toFixed(1);
  console.log(`${label.padEnd(34)} median ${at(0.5).padStart(7)} µs   p99 ${at(0.99).padStart(7)} µs`);
}

console.log(`workflow of ${workflow.steps.size} steps, ${iterations} iterations`);
measure('planSteps (levels, critical path)', () => planSteps(workflow.steps));
measure('validateWorkflow (+ plan)', () => validateWorkflow(workflow, tools));
