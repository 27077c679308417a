/**
 * Workflow engine costs, on a real hub with the echo fixture over stdio:
 *
 * - planning: validation against the catalog plus planning (`validateWorkflow`), and planning alone
 *   (`planSteps`), for a 100-step workflow of 10 parallel chains joined at the end;
 * - per-step overhead: a 10-step chain run by the executor (journal with synchronous FULL) against the
 *   same 10 calls made one after another with `hub.call`, divided by 10;
 * - concurrency: N runs of the 10-step workflow at once (default 1,000), wall time and runs per second.
 *
 *   node bench/workflows.ts [--steps 100] [--iterations 2000] [--runs 1000]
 *
 * Not a test: nothing asserts on the numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestHub } from '../src/testing/test-hub.ts';
import { WorkflowExecutor } from '../src/workflows/executor.ts';
import { parseWorkflow } from '../src/workflows/load.ts';
import { planSteps } from '../src/workflows/plan.ts';
import { SqliteRuntime } from '../src/workflows/sqlite-runtime.ts';
import { validateWorkflow } from '../src/workflows/validate.ts';
import { stdioFixture } from '../test/fixtures/spawn.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    iterations: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '1000' },
  },
});

/** `count` echo steps in `chains` parallel chains, each step reading the one before it in its chain. */
function chainsWorkflow(count: number, chains: number): string {
  const lines = [`name: bench-${count}`, 'steps:'];
  for (let i = 0; i < count; i++) {
    const previous = i >= chains ? `s${i - chains}` : undefined;
    const text = previous ? `"\${{ steps.${previous}.result.text }}-${i}"` : `start-${i}`;
    lines.push(`  s${i}: { tool: echo__echo, args: { text: ${text} } }`);
  }
  return lines.join('\n');
}

function quantiles(samples: number[]): { median: string; p99: string } {
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0).toFixed(1);
  return { median: at(0.5), p99: at(0.99) };
}

function measure(label: string, iterations: number, fn: () => void): void {
  for (let i = 0; i < 200; i++) fn(); // warm-up, so the JIT has compiled the hot paths
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const { median, p99 } = quantiles(samples);
  console.log(`${label.padEnd(40)} median ${median.padStart(8)} µs   p99 ${p99.padStart(8)} µs`);
}

const hub = await createTestHub([{ name: 'echo', ...stdioFixture('echo') }]);
const dir = mkdtempSync(join(tmpdir(), 'toolmesh-bench-wf-'));
const runtime = new SqliteRuntime(join(dir, 'journal.db'));
try {
  const tools = hub.hub.catalog.tools;
  const big = parseWorkflow(chainsWorkflow(Number(values.steps), 10), 'bench.yaml');
  console.log(`planning a workflow of ${big.steps.size} steps, ${values.iterations} iterations`);
  measure('planSteps (levels, critical path)', Number(values.iterations), () => planSteps(big.steps));
  measure('validateWorkflow (checks + plan)', Number(values.iterations), () => validateWorkflow(big, tools));

  const executor = new WorkflowExecutor({ call: hub.hub.call, tools: () => tools, runtime });
  const chain = parseWorkflow(chainsWorkflow(10, 1), 'chain.yaml');
  const direct = async () => {
    for (let i = 0; i < 10; i++) {
      const args = { text: `x-${i}` };
      await hub.hub.call({
        method: 'tools/call',
        params: { name: 'echo__echo', arguments: args },
        signal: AbortSignal.timeout(30_000),
      });
    }
  };
  const viaWorkflow = async () => {
    const result = await executor.run(chain, {});
    if (result.status !== 'succeeded') throw new Error(result.error);
  };
  const rounds = 50;
  const timed = async (fn: () => Promise<void>) => {
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint();
      await fn();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return Number(quantiles(samples).median);
  };
  await timed(direct); // warm-up
  await timed(viaWorkflow);
  const directMs = await timed(direct);
  const workflowMs = await timed(viaWorkflow);
  console.log(
    `10 sequential calls: direct ${directMs.toFixed(2)} ms, as a workflow ${workflowMs.toFixed(2)} ms ` +
      `→ overhead ${((workflowMs - directMs) / 10).toFixed(3)} ms per step (median of ${rounds})`,
  );

  const runs = Number(values.runs);
  const start = process.hrtime.bigint();
  const results = await Promise.all(Array.from({ length: runs }, () => executor.run(chain, {})));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const ok = results.filter((r) => r.status === 'succeeded').length;
  console.log(
    `${runs} concurrent runs of 10 steps: ${ok} succeeded in ${(wallMs / 1000).toFixed(2)} s ` +
      `(${((runs * 1000) / wallMs).toFixed(0)} runs/s, ${((runs * 10 * 1000) / wallMs).toFixed(0)} steps/s)`,
  );
} finally {
  runtime.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
}
