/**
 * Process plumbing for the benchmarks: spawning servers in their own process group, waiting for them to be
 * ready, killing whole trees, and reading CPU time and RSS from /proc (Linux only).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { cliEntry } from '../../bin/entry.mjs';

/** The Node binary running the benchmark (Node 24 from node_modules when started through npm). */
export const NODE = process.execPath;
/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** `--require` preload that pins host-less `listen()` calls to 127.0.0.1 (for third-party tools). */
export const LOOPBACK = `${ROOT}test/fixtures/loopback.cjs`;

export const ECHO = `${ROOT}test/fixtures/servers/echo.ts`;
export const SLOW = `${ROOT}test/fixtures/servers/slow.ts`;
export const MANY_TOOLS = `${ROOT}bench/fixtures/many-tools.ts`;
export const ECHO_SSE = `${ROOT}bench/fixtures/echo-sse.ts`;
export const RELAY_FLOOR = `${ROOT}bench/fixtures/relay-floor.ts`;
/** The CLI as `toolmesh` runs it: the build in dist/ when fresh, else the sources (bin/entry.mjs). */
export const TOOLMESH = cliEntry(ROOT);

const CLK_TCK = 100; // `getconf CLK_TCK` on Linux x86-64

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (closed again before returning, so a server can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// /proc readers

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, in ms. */
  cpuMs: number;
  /** cutime + cstime: CPU of reaped children, in ms. */
  childCpuMs: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); field N is rest[N - 3].
    const num = (field: number) => Number(rest[field - 3]);
    return {
      pid,
      ppid: num(4),
      cpuMs: ((num(14) + num(15)) * 1000) / CLK_TCK,
      childCpuMs: ((num(16) + num(17)) * 1000) / CLK_TCK,
    };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid` (children, grandchildren, ...), found by scanning /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of children.get(next) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** CPU ms used so far by one process (not its children). */
export function cpuMs(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}

/**
 * CPU ms used so far by `pid`, its live descendants and the children it already reaped. Sample it before
 * and after a phase; processes that come and go inside a phase are counted once reaped.
 */
export function treeCpuMs(pid: number): number {
  const root = readStat(pid);
  if (!root) return 0;
  let total = root.cpuMs + root.childCpuMs;
  for (const child of descendants(pid)) {
    const stat = readStat(child);
    if (stat) total += stat.cpuMs + stat.childCpuMs;
  }
  return total;
}

/** Fields of `/proc/<pid>/status` in KiB, in the order of `names` (0 each when the process is gone). */
function statusKb(pid: number, names: readonly string[]): number[] {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // gone: every field reads 0
  }
  return names.map((name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0));
}

/** Resident set size of one process, in KiB (0 when it is gone). */
export function rssKb(pid: number): number {
  return statusKb(pid, ['VmRSS'])[0] ?? 0;
}

/**
 * A process's RSS in its two parts, in KiB (0 when it is gone): anonymous memory (heap, malloc, stacks) and
 * pages of mapped files (for Node mostly its own binary, which every Node process shares; RSS counts them
 * in full for each). Shared memory, the rest of `VmRSS`, is nil for Node.
 */
export function rssParts(pid: number): { anonKb: number; fileKb: number } {
  const [anonKb = 0, fileKb = 0] = statusKb(pid, ['RssAnon', 'RssFile']);
  return { anonKb, fileKb };
}

/** RSS of a process plus all its descendants, in KiB, and how many processes that is. */
export function treeRssKb(pid: number): { kb: number; procs: number } {
  const pids = [pid, ...descendants(pid)];
  return { kb: pids.reduce((sum, p) => sum + rssKb(p), 0), procs: pids.length };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it is gone for our purposes.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Spawned processes

/** A process started by the benchmark. `stop()` kills its process group and every descendant. */
export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process exited. */
  readonly exited: Promise<void>;
  stdout(): string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Proc>();

export interface StartOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Keep stdin open as a pipe (stdio servers need it; others get /dev/null). */
  stdin?: boolean;
}

/** Spawns a command in its own process group, capturing stdout and the last 16 KB of stderr. */
export function start(name: string, command: string, args: string[], options: StartOptions = {}): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`${name}: spawn failed (${command})`);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out = (out + chunk).slice(-64_000);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-16_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const pid = child.pid;
  const proc: Proc = {
    name,
    pid,
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    stop: (signal = 'SIGTERM') => stopTree(proc, signal),
  };
  running.add(proc);
  void exited.then(() => {
    // Descendants may outlive the leader (they are reaped by stopTree); keep the entry until stopped.
  });
  return proc;
}

async function stopTree(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  const pids = [proc.pid, ...descendants(proc.pid)];
  const kill = (sig: NodeJS.Signals) => {
    // The group first (wrappers such as npx), then every descendant (they may lead their own group).
    try {
      process.kill(-proc.pid, sig);
    } catch {}
    for (const pid of pids) {
      try {
        process.kill(-pid, sig);
      } catch {}
      try {
        process.kill(pid, sig);
      } catch {}
    }
  };
  if (isAlive(proc.pid)) kill(signal);
  const deadline = Date.now() + 4_000;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(25);
  if (pids.some(isAlive)) kill('SIGKILL');
  await Promise.race([proc.exited, sleep(1_000)]);
  running.delete(proc);
}

/** Stops every process still running (on exit, Ctrl-C, or an error). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop('SIGTERM')));
}

function killAllNow(): void {
  for (const proc of running) {
    for (const pid of [proc.pid, ...descendants(proc.pid)]) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  running.clear();
}

let handlersInstalled = false;
/** Kill every started process when this process ends, however it ends. */
export function installCleanup(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(130);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Readiness

/** Waits until `check` returns a value other than undefined, polling every `everyMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Resolves once `proc` printed a line matching `pattern` on stdout. */
export function waitForStdout(proc: Proc, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return waitFor(
    `${proc.name} to print ${pattern}`,
    () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`${proc.name} exited (${proc.child.exitCode}): ${proc.stderr().slice(-2000)}`);
      }
      return pattern.exec(proc.stdout()) ?? undefined;
    },
    timeoutMs,
    10,
  );
}

/** Resolves once an HTTP GET of `url` answers with a status `accept` likes (any answer by default). */
export function waitForHttp(
  proc: Proc,
  url: string,
  accept: (status: number, body: string) => boolean = () => true,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<void> {
  return waitFor(
    `${proc.name} at ${url}`,
    async () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`${proc.name} exited (${proc.child.exitCode}): ${proc.stderr().slice(-2000)}`);
      }
      let answer: { status: number; body: string };
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        answer = { status: response.status, body: await response.text() };
      } catch {
        return undefined; // not listening yet
      }
      // Outside the try: `accept` may throw to end the wait at once.
      return accept(answer.status, answer.body) ? true : undefined;
    },
    timeoutMs,
    everyMs,
  ).then(() => {});
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
export async function waitForPort(proc: Proc, port: number, timeoutMs = 60_000): Promise<void> {
  const { connect } = await import('node:net');
  await waitFor(
    `${proc.name} on port ${port}`,
    () =>
      new Promise<true | undefined>((resolve) => {
        if (proc.child.exitCode !== null) {
          resolve(undefined);
          return;
        }
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(undefined));
      }),
    timeoutMs,
    20,
  );
}
