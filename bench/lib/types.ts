/** Shapes of driver results and of the results file. */
import type { Summary } from './stats.ts';

export interface LevelResult {
  calls: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerCall: { proxy: number | null; tree: number | null; client: number };
  rssKb?: { proxy: number; tree: { kb: number; procs: number } };
}

export interface LoadResult {
  seq: Summary & { errors: number };
  c16?: LevelResult;
  c64?: LevelResult;
  connect?: Summary;
  firstError?: string;
}

/** Medians over the repetitions of one overhead target. */
export interface TargetSummary {
  id: string;
  group: string;
  front: string;
  direct: string;
  path: string;
  command: string;
  reps: number;
  seqP50: number;
  seqP99: number;
  c16Rps: number;
  c16P99: number;
  c64Rps: number;
  c64P99: number;
  /** CPU ms per call at c16 of the proxy process alone, and of proxy + upstream processes. */
  cpuProxyC16: number;
  cpuTreeC16: number;
  cpuClientC16: number;
  cpuProxyC64: number;
  cpuTreeC64: number;
  connectP50: number;
  rssProxyMbC64: number;
  errors: number;
  firstError?: string;
  /** Against the direct target with the same client-facing transport. */
  vsDirect?: {
    addedP50: number;
    addedP99: number;
    c16Pct: number;
    c64Pct: number;
  };
  /** Added p50 against direct stdio (what a desktop client gets when it spawns the server itself). */
  vsDirectStdioP50?: number;
}

export interface FanoutResult {
  width: number;
  ms: number;
  single: Summary;
  parallel: Summary;
  sequential: Summary;
  speedup: number;
  efficiency: number;
  overheadMs: number;
}

export interface StartupDirectResult {
  count: number;
  parallelMs: number;
  parallelSlowestMs: number;
  sequentialMs?: number;
  sequentialEach?: Summary;
}

export interface SessionsResult {
  sessions: number;
  getStream: boolean;
  openMs: number;
  rssKbBefore: number;
  rssKbAfter: number;
  kbPerSession: number;
  /** 12 s after the last session opened (V8 had time to shrink the heap). */
  rssKbAfterIdle: number;
  kbPerSessionIdle: number;
  treeKbBefore: number;
  treeKbAfter: number;
  procsBefore: number;
  procsAfter: number;
}

export interface CatalogResult {
  tools: number;
  firstListTools: number;
  list: Summary;
  /** CPU per list of the process that answered (the hub, the peer, or the server itself). */
  serverCpuPerListMs?: number;
  /** CPU per list of the client (it parses and validates every tool). */
  clientCpuPerListMs?: number;
  connectAndListMs: number;
}

export interface ProfileEntry {
  selfMs: number;
  selfPct: number;
  function: string;
  location: string;
}

export interface ProfileSummary {
  face: string;
  durationMs: number;
  /** Sampled time not idle, ms. */
  busyMs: number;
  calls: number;
  rps: number;
  /** The hub's CPU per call (from /proc) during the profiled load, ms. */
  cpuMsPerCall: number | null;
  file: string;
  byArea: { area: string; selfMs: number; selfPct: number }[];
  top: ProfileEntry[];
}
