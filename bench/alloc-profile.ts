/**
 * Where the hub's allocations come from under load (`npm run bench:alloc`): the hub serves the echo
 * fixture over stdio from its sources (so each function keeps its package and file), a client keeps 64
 * calls in flight for 9 s, and every allocation of 4 s in the middle is sampled, including the ones the GC
 * has collected since (bench/lib/alloc-sampler.ts). Prints bytes allocated per call, by package and by
 * function: the GC's share of the hub's CPU (the `profile` suite) comes from these.
 *   npm run bench:alloc -- --functions 60 --match src/     more functions, only those whose place matches
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { toolmeshConfig } from './lib/configs.ts';
import { runDriver } from './lib/launch.ts';
import { ECHO, NODE, ROOT } from './lib/proc.ts';
import { areaOf } from './lib/profile.ts';
import type { LoadResult } from './lib/types.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children: ProfileNode[];
}
interface HeapProfile {
  head: ProfileNode;
  samples: { nodeId: number; size: number }[];
}

const { values: flags } = parseArgs({
  options: { functions: { type: 'string', default: '20' }, match: { type: 'string', default: '' } },
});
const SAMPLE_MS = 4_000;
const dir = mkdtempSync(join(tmpdir(), 'toolmesh-alloc-'));
const out = join(dir, 'alloc.json');
const sampler = `${pathToFileURL(`${ROOT}bench/lib/alloc-sampler.ts`).href}?${new URLSearchParams({ out, after: '3000', for: String(SAMPLE_MS) })}`;
try {
  const config = toolmeshConfig([{ name: 'echo', script: ECHO, prefix: false }]);
  const load = await runDriver<LoadResult>({
    kind: 'load',
    endpoint: {
      kind: 'stdio',
      command: NODE,
      args: ['--import', sampler, `${ROOT}src/cli/main.ts`, 'serve', '--stdio', '--config', config],
    },
    tool: 'echo',
    warmup: 200,
    seq: 0,
    concurrency: [64],
    durationMs: 9_000,
    connects: 0,
  });
  const rps = load.c64?.rps ?? 0;
  report(JSON.parse(readFileSync(out, 'utf8')) as HeapProfile, rps * (SAMPLE_MS / 1000));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Compiled code (zod's generated parsers) has no URL: it is charged to the nearest caller that has one. */
function report(profile: HeapProfile, calls: number): void {
  const bytes = new Map<number, number>();
  for (const sample of profile.samples)
    bytes.set(sample.nodeId, (bytes.get(sample.nodeId) ?? 0) + sample.size);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // zod runs for both SDK legs: charge its bytes to the package that called it too, to tell which leg pays.
  const zodCallers = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode, inherited: string, caller: string) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const area = url ? areaOf(functionName, url, ROOT) : inherited;
    const self = bytes.get(node.id) ?? 0;
    total += self;
    byArea.set(area, (byArea.get(area) ?? 0) + self);
    if (area === 'zod') zodCallers.set(caller, (zodCallers.get(caller) ?? 0) + self);
    if (url) {
      const name = `${functionName || '(anonymous)'} ${url.replace(/^.*?(node_modules|src)\//, '$1/')}:${lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + self);
    }
    for (const child of node.children) walk(child, area, area === 'zod' ? caller : area);
  };
  walk(profile.head, '(V8)', '(V8)');
  const kb = (n: number) => (n / 1024 / calls).toFixed(2);
  console.log(`${Math.round(calls)} calls sampled; ${kb(total)} KB allocated per call\n`);
  console.log('| where | KB per call | share |\n|---|---|---|');
  for (const [area, n] of [...byArea]
    .filter(([, n]) => n >= total / 1000)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)) {
    console.log(`| ${area} | ${kb(n)} | ${((100 * n) / total).toFixed(1)} % |`);
  }
  console.log('\n| zod called from | KB per call |\n|---|---|');
  for (const [caller, n] of [...zodCallers].sort((a, b) => b[1] - a[1]))
    console.log(`| ${caller} | ${kb(n)} |`);
  console.log('\n| function | KB per call |\n|---|---|');
  const functions = [...byFunction].filter(([name]) => name.includes(flags.match));
  for (const [name, n] of functions.sort((a, b) => b[1] - a[1]).slice(0, Number(flags.functions))) {
    console.log(`| \`${name}\` | ${kb(n)} |`);
  }
}
