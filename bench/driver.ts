/**
 * Load driver: runs in its own process (so client CPU does not land in the measured server), connects to one
 * target with the SDK v2 client and runs one job. Started by `bench/run.ts` as
 * `node bench/driver.ts '<job as JSON>'`; prints `RESULT <json>` on stdout.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { type Connection, connect, type Endpoint } from './lib/client.ts';
import { openHttpSession, openSseSession } from './lib/idle-sessions.ts';
import { cpuMs, descendants, rssKb, sleep, treeCpuMs, treeRssKb } from './lib/proc.ts';
import { round, type Summary, summarize } from './lib/stats.ts';

export interface LoadJob {
  kind: 'load';
  endpoint: Endpoint;
  tool: string;
  /** Tool arguments (default: a 40-byte `text`). */
  args?: Record<string, unknown>;
  warmup: number;
  seq: number;
  concurrency: number[];
  durationMs: number;
  /** New sessions to time (connect + initialize + tools/list). */
  connects: number;
  /** The proxy (or server) process to charge CPU to; stdio endpoints use the spawned child. */
  pid?: number;
  /** Other processes on the path (e.g. an HTTP upstream started separately), counted in the tree CPU. */
  extraPids?: number[];
  /** Move the spawned stdio server's own children to this CPU (`taskset`), for profiling. */
  pinDescendants?: number;
}

export interface FanoutJob {
  kind: 'fanout';
  /** One endpoint (a hub) with one tool per upstream, or one endpoint per upstream (direct). */
  endpoints: Endpoint[];
  tools: string[];
  ms: number;
  rounds: number;
  seqRounds: number;
  /** The parallel round is one call of this composite tool (its branches are `tools`), not W calls. */
  composite?: string;
}

export interface StartupJob {
  kind: 'startup-direct';
  command: string;
  args: string[];
  count: number;
  /** Also start them one after another. */
  sequential: boolean;
}

export interface SessionsJob {
  kind: 'sessions';
  url: string;
  pid: number;
  sessions: number;
  /** `sse`: legacy HTTP+SSE sessions (the stream is the session). Default: Streamable HTTP. */
  transport?: 'http' | 'sse';
  /** Streamable HTTP: open the standalone GET stream per session, as SDK clients do after `initialized`. */
  getStream: boolean;
  /** Read RSS again this long after the 2 s reading (V8 shrinks its heap only after a while idle). */
  idleMs: number;
}

export interface CatalogJob {
  kind: 'catalog';
  endpoint: Endpoint;
  lists: number;
  warmup: number;
  /** The process that answers (a hub or peer); for a stdio endpoint, the spawned server. */
  pid?: number;
}

export type Job = LoadJob | FanoutJob | StartupJob | SessionsJob | CatalogJob;

const TEXT_40 = 'The quick brown fox jumps over a lazy do'; // 40 bytes

interface CpuMark {
  proxy: number;
  tree: number;
  client: number;
}

function cpuMark(pid: number | undefined, extra: number[]): CpuMark {
  const usage = process.cpuUsage();
  return {
    proxy: pid ? cpuMs(pid) : Number.NaN,
    tree: pid ? treeCpuMs(pid) + extra.reduce((sum, p) => sum + treeCpuMs(p), 0) : Number.NaN,
    client: (usage.user + usage.system) / 1000,
  };
}

async function runLoad(job: LoadJob) {
  const main = await connect(job.endpoint);
  const pid = job.pid ?? main.pid;
  const extra = job.extraPids ?? [];
  if (job.pinDescendants !== undefined && main.pid) {
    for (const child of descendants(main.pid)) {
      spawnSync('taskset', ['-pc', String(job.pinDescendants), String(child)], { stdio: 'ignore' });
    }
  }
  const { client } = main;
  const listed = await client.listTools();
  if (!listed.tools.some((tool) => tool.name === job.tool)) {
    throw new Error(`tool ${job.tool} not listed (have ${listed.tools.map((t) => t.name).join(', ')})`);
  }
  const args = job.args ?? { text: TEXT_40 };
  let errors = 0;
  let firstError: string | undefined;
  const call = async (): Promise<number> => {
    const t0 = performance.now();
    try {
      const result = await client.callTool({ name: job.tool, arguments: args });
      if (result.isError) throw new Error(`isError: ${JSON.stringify(result.content).slice(0, 200)}`);
    } catch (error) {
      errors += 1;
      firstError ??= String(error).slice(0, 300);
    }
    return performance.now() - t0;
  };

  for (let i = 0; i < job.warmup; i++) await call();
  errors = 0;

  const seqLat: number[] = [];
  for (let i = 0; i < job.seq; i++) seqLat.push(await call());
  const seq = { ...summarize(seqLat), errors };

  const concurrency: Record<string, unknown> = {};
  for (const c of job.concurrency) {
    // A short warm-up at this level, so connection-pool growth is not in the measurement.
    await Promise.all(Array.from({ length: c }, () => call()));
    errors = 0;
    const lat: number[] = [];
    const before = cpuMark(pid, extra);
    const t0 = performance.now();
    const end = t0 + job.durationMs;
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (performance.now() < end) lat.push(await call());
      }),
    );
    const elapsed = performance.now() - t0;
    const after = cpuMark(pid, extra);
    const calls = lat.length;
    const perCall = (a: number, b: number) => round((b - a) / calls, 4);
    const s: Summary = summarize(lat);
    concurrency[`c${c}`] = {
      calls,
      errors,
      rps: round(calls / (elapsed / 1000), 1),
      p50: s.p50,
      p99: s.p99,
      cpuMsPerCall: {
        proxy: perCall(before.proxy, after.proxy),
        tree: perCall(before.tree, after.tree),
        client: perCall(before.client, after.client),
      },
      rssKb: pid ? { proxy: rssKb(pid), tree: treeRssKb(pid) } : undefined,
    };
  }

  const connectLat: number[] = [];
  for (let i = 0; i < job.connects; i++) {
    const t0 = performance.now();
    const conn = await connect(job.endpoint, `bench-session-${i}`);
    await conn.client.listTools();
    connectLat.push(performance.now() - t0);
    await conn.close();
  }
  await main.close();
  return {
    seq,
    ...concurrency,
    connect: job.connects > 0 ? summarize(connectLat) : undefined,
    firstError,
  };
}

async function runFanout(job: FanoutJob) {
  const conns: Connection[] = await Promise.all(job.endpoints.map((endpoint) => connect(endpoint)));
  const clientFor = (i: number) => (conns[conns.length === 1 ? 0 : i] as Connection).client;
  for (let i = 0; i < conns.length; i++) await clientFor(i).listTools();
  const one = (i: number) =>
    clientFor(i).callTool({ name: job.tools[i] as string, arguments: { ms: job.ms } }, { timeout: 60_000 });
  const width = job.tools.length;
  const fanOut = async () => {
    if (job.composite === undefined) return void (await Promise.all(job.tools.map((_, i) => one(i))));
    const call = { name: job.composite, arguments: { ms: job.ms } };
    const result = await clientFor(0).callTool(call, { timeout: 60_000 });
    if (result.isError)
      throw new Error(`composite ${job.composite} failed: ${JSON.stringify(result.content)}`);
  };
  const parallel = async () => {
    const t0 = performance.now();
    await fanOut();
    return performance.now() - t0;
  };
  const sequential = async () => {
    const t0 = performance.now();
    for (let i = 0; i < width; i++) await one(i);
    return performance.now() - t0;
  };
  await parallel(); // warm-up
  await parallel();
  const single: number[] = [];
  for (let r = 0; r < Math.max(3, job.seqRounds); r++) {
    const t0 = performance.now();
    await one(r % width);
    single.push(performance.now() - t0);
  }
  const par: number[] = [];
  for (let r = 0; r < job.rounds; r++) par.push(await parallel());
  const seq: number[] = [];
  for (let r = 0; r < job.seqRounds; r++) seq.push(await sequential());
  await Promise.all(conns.map((conn) => conn.close()));
  const parallelS = summarize(par);
  const sequentialS = summarize(seq);
  const speedup = sequentialS.p50 / parallelS.p50;
  return {
    width,
    ms: job.ms,
    single: summarize(single),
    parallel: parallelS,
    sequential: sequentialS,
    speedup: round(speedup, 2),
    efficiency: round(speedup / width, 3),
    overheadMs: round(parallelS.p50 - job.ms, 1),
  };
}

async function runStartup(job: StartupJob) {
  const endpoint: Endpoint = { kind: 'stdio', command: job.command, args: job.args };
  const startOne = async () => {
    const t0 = performance.now();
    const conn = await connect(endpoint);
    await conn.client.listTools();
    return { conn, ms: performance.now() - t0 };
  };
  const t0 = performance.now();
  const all = await Promise.all(Array.from({ length: job.count }, () => startOne()));
  const parallelMs = performance.now() - t0;
  await Promise.all(all.map(({ conn }) => conn.close()));
  await sleep(300);
  let sequentialMs: number | undefined;
  let singles: number[] = [];
  if (job.sequential) {
    const conns: Connection[] = [];
    const t1 = performance.now();
    for (let i = 0; i < job.count; i++) {
      const { conn, ms } = await startOne();
      conns.push(conn);
      singles.push(ms);
    }
    sequentialMs = performance.now() - t1;
    await Promise.all(conns.map((conn) => conn.close()));
  } else {
    singles = [];
  }
  return {
    count: job.count,
    parallelMs: round(parallelMs, 1),
    parallelSlowestMs: round(Math.max(...all.map((s) => s.ms)), 1),
    sequentialMs: sequentialMs === undefined ? undefined : round(sequentialMs, 1),
    sequentialEach: singles.length ? summarize(singles) : undefined,
  };
}

async function runSessions(job: SessionsJob) {
  const streams: AbortController[] = [];
  const open = (i: number) =>
    job.transport === 'sse'
      ? openSseSession(job.url, i, streams)
      : openHttpSession(job.url, i, job.getStream, streams);
  const batch = async (from: number, count: number) => {
    // A few at a time, like clients arriving, without flooding the accept queue.
    for (let i = from; i < from + count; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, from + count - i) }, (_, k) => open(i + k)));
    }
  };
  await batch(0, 20); // warm-up: code paths and pools are hot before the first reading
  // Long enough for a process that returns memory once idle (ToolMesh does, 2 s into idleness) to have
  // done so for start-up and the warm-up: the first reading is then the settled process.
  await sleep(5_000);
  const before = rssKb(job.pid);
  const beforeTree = treeRssKb(job.pid);
  const t0 = performance.now();
  await batch(20, job.sessions);
  const openMs = performance.now() - t0;
  await sleep(2_000);
  const after = rssKb(job.pid);
  const afterTree = treeRssKb(job.pid);
  await sleep(job.idleMs);
  const afterIdle = rssKb(job.pid);
  for (const abort of streams) abort.abort();
  return {
    sessions: job.sessions,
    getStream: job.getStream,
    openMs: round(openMs, 1),
    rssKbBefore: before,
    rssKbAfter: after,
    kbPerSession: round((after - before) / job.sessions, 1),
    rssKbAfterIdle: afterIdle,
    kbPerSessionIdle: round((afterIdle - before) / job.sessions, 1),
    treeKbBefore: beforeTree.kb,
    treeKbAfter: afterTree.kb,
    procsBefore: beforeTree.procs,
    procsAfter: afterTree.procs,
  };
}

async function runCatalog(job: CatalogJob) {
  const conn = await connect(job.endpoint);
  let count = 0;
  for (let i = 0; i < job.warmup; i++) count = (await conn.client.listTools()).tools.length;
  const lat: number[] = [];
  const pid = job.pid ?? conn.pid;
  const before = cpuMark(pid, []);
  for (let i = 0; i < job.lists; i++) {
    const t0 = performance.now();
    const result = await conn.client.listTools();
    lat.push(performance.now() - t0);
    count = result.tools.length;
  }
  const after = cpuMark(pid, []);
  const t0 = performance.now();
  const fresh = await connect(job.endpoint);
  const firstList = await fresh.client.listTools();
  const connectAndList = performance.now() - t0;
  await fresh.close();
  await conn.close();
  return {
    tools: count,
    firstListTools: firstList.tools.length,
    list: summarize(lat),
    serverCpuPerListMs: pid ? round((after.proxy - before.proxy) / job.lists, 2) : undefined,
    clientCpuPerListMs: round((after.client - before.client) / job.lists, 2),
    connectAndListMs: round(connectAndList, 2),
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  let result: unknown;
  if (job.kind === 'load') result = await runLoad(job);
  else if (job.kind === 'fanout') result = await runFanout(job);
  else if (job.kind === 'startup-direct') result = await runStartup(job);
  else if (job.kind === 'sessions') result = await runSessions(job);
  else if (job.kind === 'catalog') result = await runCatalog(job);
  else throw new Error(`unknown job ${(job as { kind: string }).kind}`);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
