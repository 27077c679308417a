/** Start-up with N stdio servers: ToolMesh, `toolmesh servers`, a client starting them directly, mcp-hub. */
import { type StdioServer, toolmeshConfig } from '../lib/configs.ts';
import { type Launched, runDriver, startMcpHub, startToolmeshHttp } from '../lib/launch.ts';
import { ECHO, NODE, rssKb, rssParts, sleep, start, TOOLMESH, treeRssKb } from '../lib/proc.ts';
import { median, round } from '../lib/stats.ts';
import { log, type Run, stopProcs } from '../lib/suite.ts';
import type { StartupDirectResult } from '../lib/types.ts';

const echoServers = (n: number): StdioServer[] =>
  Array.from({ length: n }, (_, i) => ({ name: `echo${i + 1}`, script: ECHO }));

/**
 * RSS of a process that is ready and left alone: 2 s after ready (the tail of start-up), and 10 s after
 * (idle: what `top` shows for a hub nobody uses; the hub returns start-up's memory once idle). At idle also
 * what the RSS is made of: pages of files (mostly the node binary's code and data, shared with every other
 * Node process) and anonymous memory (the JS heap, malloc).
 */
async function idleRss(pid: number) {
  await sleep(2_000);
  const early = { rssMb: round(rssKb(pid) / 1024, 1), tree: treeRssKb(pid) };
  await sleep(8_000);
  const { anonKb, fileKb } = rssParts(pid);
  return {
    ...early,
    rssMbIdle: round(rssKb(pid) / 1024, 1),
    anonMbIdle: round(anonKb / 1024, 1),
    fileMbIdle: round(fileKb / 1024, 1),
    treeIdle: treeRssKb(pid),
  };
}

export async function startup({ P }: Run) {
  const rows: Record<string, unknown>[] = [];
  const idle: Record<string, unknown>[] = [];
  for (const n of P.startupCounts) {
    const reps = P.startupReps(n);
    const samples = { toolmesh: [] as number[], serversCli: [] as number[], mcpHub: [] as number[] };
    const direct: StartupDirectResult[] = [];
    /** Starts a hub on N servers and records its time to ready, and at N=10 its idle memory. */
    const hubReady = async (
      who: string,
      launch: () => Promise<Launched & { readyMs: number }>,
      into: number[],
    ) => {
      try {
        const hub = await launch();
        try {
          into.push(hub.readyMs);
          if (n === 10) idle.push({ who, servers: n, ...(await idleRss(hub.proc.pid)) });
        } finally {
          await stopProcs([hub.proc]);
        }
      } catch (error) {
        log(`  ${who} failed: ${String(error).slice(0, 300)}`);
      }
    };
    for (let rep = 0; rep < reps; rep++) {
      log(`startup N=${n} rep ${rep + 1}/${reps}`);
      // ToolMesh: spawn `serve` and poll /readyz until every server is ready.
      await hubReady('toolmesh', () => startToolmeshHttp(echoServers(n)), samples.toolmesh);
      // `toolmesh servers`: start everything, report, stop (includes the stop).
      try {
        const config = toolmeshConfig(echoServers(n));
        const t0 = performance.now();
        const proc = start('toolmesh-servers', NODE, [TOOLMESH, 'servers', '--json', '--config', config]);
        await proc.exited;
        samples.serversCli.push(performance.now() - t0);
        await stopProcs([proc]);
      } catch (error) {
        log(`  toolmesh servers failed: ${String(error).slice(0, 300)}`);
      }
      // Direct: the same servers started by a client in parallel, then one after another.
      try {
        direct.push(
          await runDriver<StartupDirectResult>({
            kind: 'startup-direct',
            command: NODE,
            args: [ECHO, '--stdio'],
            count: n,
            sequential: true,
          }),
        );
        await sleep(300);
      } catch (error) {
        log(`  direct failed: ${String(error).slice(0, 300)}`);
      }
      // mcp-hub, polled on /api/health until every server is connected.
      await hubReady('mcp-hub', () => startMcpHub(echoServers(n)), samples.mcpHub);
    }
    const med = (values: number[]) => round(median(values), 1);
    rows.push({
      servers: n,
      reps,
      toolmeshReadyMs: med(samples.toolmesh),
      toolmeshServersCliMs: med(samples.serversCli),
      directParallelMs: med(direct.map((d) => d.parallelMs)),
      directParallelSlowestMs: med(direct.map((d) => d.parallelSlowestMs)),
      directSequentialMs: med(direct.map((d) => d.sequentialMs ?? Number.NaN)),
      directSingleP50Ms: med(direct.map((d) => d.sequentialEach?.p50 ?? Number.NaN)),
      directSingleMaxMs: med(direct.map((d) => d.sequentialEach?.max ?? Number.NaN)),
      mcpHubReadyMs: med(samples.mcpHub),
      samples,
    });
  }
  return { rows, idle };
}
