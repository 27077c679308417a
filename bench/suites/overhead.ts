/** Proxy overhead: sequential latency and throughput at 16 and 64 in flight, per target (bench/targets.ts). */
import { resolve } from 'node:path';
import { cliEntry } from '../../bin/entry.mjs';
import type { LoadJob } from '../driver.ts';
import { runDriver } from '../lib/launch.ts';
import { median, round } from '../lib/stats.ts';
import { log, measureWith, type Run } from '../lib/suite.ts';
import type { LoadResult, TargetSummary } from '../lib/types.ts';
import { TARGETS, type Target, toolmeshTargets } from '../targets.ts';

export async function overhead(run: Run) {
  const { P, quick, targets: wanted, baseline } = run;
  let targets = TARGETS.filter((t) => (wanted ? wanted.includes(t.id) : !(quick && t.fullOnly)));
  if (baseline) {
    // A/B: every ToolMesh target also runs from the other checkout, right after this one's, so both see
    // the same machine noise.
    const base = new Map(toolmeshTargets(cliEntry(resolve(baseline)), '@base').map((t) => [t.id, t]));
    targets = targets.flatMap((t) => {
      const twin = base.get(`${t.id}@base`);
      return twin ? [t, twin] : [t];
    });
  }
  const runs = new Map<string, LoadResult[]>();
  for (let rep = 0; rep < P.reps; rep++) {
    for (const target of targets) {
      if (rep >= (target.maxReps ?? P.reps)) continue;
      log(`overhead rep ${rep + 1}/${P.reps}: ${target.id}`);
      const result = await measureWith(target.launch, (running) => {
        const job: LoadJob = {
          kind: 'load',
          endpoint: running.endpoint,
          tool: target.tool,
          warmup: P.warmup,
          seq: P.seq,
          concurrency: [16, 64],
          durationMs: P.durationMs,
          connects: Math.min(target.connects ?? P.connects, P.connects),
          pid: running.pid,
          extraPids: running.extraPids,
        };
        return runDriver<LoadResult>(job);
      });
      if (result) runs.set(target.id, [...(runs.get(target.id) ?? []), result]);
    }
  }
  const summaries = targets.flatMap((target) => {
    const list = runs.get(target.id);
    return list?.length ? [summarizeTarget(target, list)] : [];
  });
  for (const summary of summaries) {
    const direct = summaries.find((s) => s.id === summary.direct);
    if (direct && direct.id !== summary.id) {
      summary.vsDirect = {
        addedP50: round(summary.seqP50 - direct.seqP50),
        addedP99: round(summary.seqP99 - direct.seqP99),
        c16Pct: round((summary.c16Rps / direct.c16Rps) * 100, 1),
        c64Pct: round((summary.c64Rps / direct.c64Rps) * 100, 1),
      };
    }
    const stdio = summaries.find((s) => s.id === 'direct-stdio');
    if (stdio && summary.id !== 'direct-stdio')
      summary.vsDirectStdioP50 = round(summary.seqP50 - stdio.seqP50);
  }
  return { targets: summaries, runs: Object.fromEntries(runs) };
}

function summarizeTarget(target: Target, list: LoadResult[]): TargetSummary {
  const m = (pick: (r: LoadResult) => number | null | undefined) =>
    round(median(list.map((r) => pick(r) ?? Number.NaN)), 4);
  return {
    id: target.id,
    group: target.group,
    front: target.front,
    direct: target.direct,
    path: target.path,
    command: target.command,
    reps: list.length,
    seqP50: m((r) => r.seq.p50),
    seqP99: m((r) => r.seq.p99),
    c16Rps: m((r) => r.c16?.rps),
    c16P99: m((r) => r.c16?.p99),
    c64Rps: m((r) => r.c64?.rps),
    c64P99: m((r) => r.c64?.p99),
    cpuProxyC16: m((r) => r.c16?.cpuMsPerCall.proxy),
    cpuTreeC16: m((r) => r.c16?.cpuMsPerCall.tree),
    cpuClientC16: m((r) => r.c16?.cpuMsPerCall.client),
    cpuProxyC64: m((r) => r.c64?.cpuMsPerCall.proxy),
    cpuTreeC64: m((r) => r.c64?.cpuMsPerCall.tree),
    connectP50: m((r) => r.connect?.p50),
    rssProxyMbC64: round(m((r) => r.c64?.rssKb?.proxy) / 1024, 1),
    errors: list.reduce((sum, r) => sum + r.seq.errors + (r.c16?.errors ?? 0) + (r.c64?.errors ?? 0), 0),
    firstError: list.find((r) => r.firstError)?.firstError,
  };
}
