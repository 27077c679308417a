// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax
/**
 * Workflow engine costs, on a real hub with the echo fixture over stdio, in this process:
 *
 * - planning: compiling the file (`parseWorkflow`), validation against the catalog plus planning
 *   (`validateWorkflow`), and planning alone (`planSteps`), for 100 and 1,000 steps in 10 parallel chains;
 * - per-step overhead: a chain of N `echo__add` steps run by the executor, each adding 1 to the result of
 *   the one before, against the same N calls made one after another with `hub.call`; the difference divided
 *   by N, with the journal at `synchronous=FULL` (the default) and `NORMAL`;
 * - concurrency: R runs at once of a 10-step chain on one hub and one journal (default 1,000): wall time,
 *   runs/s, this process's peak RSS, every result checked; side by side, the same 10 × R calls made
 *   directly as R concurrent chains of sequential `hub.call`s;
 * - served: the chain as a tool of `toolmesh serve`, one call through an SDK client over Streamable HTTP,
 *   against the same N steps as that client's calls one after another (`lib/workflows-served.ts`).
 *
 *   npm run bench:workflows [-- --chain 20 --runs 1000 --quick]
 *
 * Prints a markdown summary, then `RESULT {json}` (what `npm run bench -- --suites workflows` stores).
 * Not a test: nothing asserts on the numbers, but a wrong result fails the run.
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
import { removeScratch } from './lib/configs.ts';
import { median, round } from './lib/stats.ts';
import { renderWorkflows, type WorkflowBenchResult } from './lib/workflows-report.ts';
import { servedChain } from './lib/workflows-served.ts';

const { values } = parseArgs({
  options: {
    chain: { type: 'string', default: '20' },
    runs: { type: 'string', default: '1000' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const CHAIN = Number(values.chain);
const RUNS = Number(values.runs);
const ROUNDS = quick ? 10 : 30; // per-step overhead: rounds of each variant

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

/** `steps` additions in a row: step i adds 1 to step i-1's result, so the output is `n + steps`. */
function addChain(steps: number): string {
  const lines = [
    `name: add-chain-${steps}`,
    'inputs: { type: object, properties: { n: { type: integer } }, required: [n] }',
    'steps:',
    '  a0: { tool: echo__add, args: { a: "${{ inputs.n }}", b: 1 } }',
  ];
  for (let i = 1; i < steps; i++)
    lines.push(`  a${i}: { tool: echo__add, args: { a: "\${{ steps.a${i - 1}.result }}", b: 1 } }`);
  lines.push(`outputs: { sum: "\${{ steps.a${steps - 1}.result }}" }`);
  return lines.join('\n');
}

/** Median and p99 of `iterations` timings of `fn`, in µs, after a warm-up so the JIT compiled the hot paths. */
function micro(iterations: number, fn: () => unknown): { medianUs: number; p99Us: number } {
  for (let i = 0; i < Math.min(200, iterations); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  const p99 = samples[Math.min(samples.length - 1, Math.floor(0.99 * samples.length))] ?? Number.NaN;
  return { medianUs: round(median(samples), 1), p99Us: round(p99, 1) };
}

/** Milliseconds `fn` takes. */
async function elapsed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const hub = await createTestHub([{ name: 'echo', ...stdioFixture('echo') }]);
const dir = mkdtempSync(join(tmpdir(), 'toolmesh-bench-wf-'));
const runtimes: SqliteRuntime[] = [];
const executorOn = (file: string, synchronous: 'FULL' | 'NORMAL') => {
  const runtime = new SqliteRuntime(join(dir, file), { synchronous });
  runtimes.push(runtime);
  return new WorkflowExecutor({ call: hub.hub.call, tools: () => hub.hub.catalog.tools, runtime });
};
const add = async (a: number): Promise<number> => {
  const result = (await hub.hub.call({
    method: 'tools/call',
    params: { name: 'echo__add', arguments: { a, b: 1 } },
    signal: AbortSignal.timeout(60_000),
  })) as { content: { text: string }[] };
  return Number(result.content[0]?.text);
};

try {
  const full = executorOn('full.db', 'FULL');
  const normal = executorOn('normal.db', 'NORMAL');
  // First, while this process holds nothing but the hub, so its peak RSS is this phase's.
  process.stderr.write(`concurrency: ${RUNS} runs of 10 steps\n`);
  const ten = parseWorkflow(addChain(10), 'ten.yaml');
  const rssBeforeMb = round(process.memoryUsage().rss / 2 ** 20, 1);
  let start = performance.now();
  const results = await Promise.all(Array.from({ length: RUNS }, (_, n) => full.run(ten, { n })));
  const wallMs = performance.now() - start;
  const peakRssMb = round(process.resourceUsage().maxRSS / 1024, 1);
  const correct = results.filter((r, n) => r.status === 'succeeded' && r.outputs?.sum === n + 10).length;
  if (correct !== RUNS) throw new Error(`${RUNS - correct} of ${RUNS} runs gave a wrong result`);
  start = performance.now();
  await Promise.all(
    Array.from({ length: RUNS }, async (_, n) => {
      let value = n;
      for (let i = 0; i < 10; i++) value = await add(value);
      if (value !== n + 10) throw new Error(`direct chain ${n} gave ${value}`);
    }),
  );
  const directWallMs = performance.now() - start;
  const concurrency: WorkflowBenchResult['concurrency'] = {
    runs: RUNS,
    steps: 10,
    correct,
    wallMs: round(wallMs, 1),
    runsPerS: round((RUNS * 1000) / wallMs, 1),
    callsPerS: round((RUNS * 10 * 1000) / wallMs, 1),
    directWallMs: round(directWallMs, 1),
    directCallsPerS: round((RUNS * 10 * 1000) / directWallMs, 1),
    rssBeforeMb,
    peakRssMb,
  };

  process.stderr.write(`per-step overhead: chains of ${CHAIN}, ${ROUNDS} rounds each\n`);
  const chain = parseWorkflow(addChain(CHAIN), 'chain.yaml');
  const direct = async () => {
    let value = 0;
    for (let i = 0; i < CHAIN; i++) value = await add(value);
    if (value !== CHAIN) throw new Error(`direct chain gave ${value}`);
  };
  const viaExecutor = (executor: WorkflowExecutor) => async () => {
    const result = await executor.run(chain, { n: 0 });
    if (result.outputs?.sum !== CHAIN) throw new Error(`workflow chain gave ${JSON.stringify(result)}`);
  };
  // Interleaved rounds, so a burst of machine noise hits every variant alike.
  const variants = { direct, full: viaExecutor(full), normal: viaExecutor(normal) };
  const samples = { direct: [] as number[], full: [] as number[], normal: [] as number[] };
  for (const fn of Object.values(variants)) await fn(); // warm-up
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, fn] of Object.entries(variants))
      samples[name as keyof typeof samples].push(await elapsed(fn));
  const directMs = median(samples.direct);
  const perStep = (ms: number) => round((ms - directMs) / CHAIN);
  const overhead: WorkflowBenchResult['overhead'] = {
    steps: CHAIN,
    rounds: ROUNDS,
    directMs: round(directMs),
    fullMs: round(median(samples.full)),
    normalMs: round(median(samples.normal)),
    perStepFullMs: perStep(median(samples.full)),
    perStepNormalMs: perStep(median(samples.normal)),
  };

  process.stderr.write(`served: the chain of ${CHAIN} as a tool of \`toolmesh serve\`, through a client\n`);
  const served = await servedChain(addChain(CHAIN), `add-chain-${CHAIN}`, CHAIN, ROUNDS);

  const tools = hub.hub.catalog.tools;
  const planning: WorkflowBenchResult['planning'] = [];
  for (const steps of [100, 1000]) {
    process.stderr.write(`planning ${steps} steps\n`);
    const text = chainsWorkflow(steps, 10);
    const workflow = parseWorkflow(text, 'bench.yaml');
    const iterations = (steps === 100 ? 2000 : 200) / (quick ? 4 : 1);
    planning.push({
      steps,
      parse: micro(Math.max(20, iterations / 10), () => parseWorkflow(text, 'bench.yaml')),
      validate: micro(iterations, () => validateWorkflow(workflow, tools)),
      plan: micro(iterations, () => planSteps(workflow.steps)),
    });
  }

  const result: WorkflowBenchResult = { quick, planning, overhead, served, concurrency };
  process.stderr.write(`${renderWorkflows(result)}\n`);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} finally {
  for (const runtime of runtimes) runtime.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
  removeScratch();
}
