/** Starting the servers under test: fixtures, ToolMesh, the peer proxies, and the load driver. */
import type { Job } from '../driver.ts';
import type { Endpoint } from './client.ts';
import { type HttpServer, mcpHubConfig, type StdioServer, toolmeshConfig, xdgEnv } from './configs.ts';
import {
  freePort,
  LOOPBACK,
  NODE,
  type Proc,
  ROOT,
  start,
  TOOLMESH,
  waitForHttp,
  waitForPort,
  waitForStdout,
} from './proc.ts';

export interface Launched {
  url: string;
  proc: Proc;
}

/** A fixture (or bench fixture) serving Streamable HTTP (or SSE) on a free port. */
export async function startHttpFixture(
  script: string,
  args: string[] = [],
  name = 'fixture',
): Promise<Launched> {
  const proc = start(name, NODE, [script, '--port', '0', ...args]);
  const [, port] = await waitForStdout(proc, /LISTENING (\d+)/);
  return { url: `http://127.0.0.1:${port}/mcp`, proc };
}

export interface ToolmeshOptions {
  /** Node flags before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  timeoutMs?: number;
  /** The CLI to run (default: this checkout's `src/cli/main.ts`). */
  cli?: string;
  /** Run on this CPU only (`taskset -c`). */
  cpu?: number;
  /** More top-level config sections (e.g. `composites`). */
  config?: Record<string, unknown>;
}

/** The command (and leading arguments) that run Node, pinned to a CPU when asked. */
export function nodeCommand(cpu?: number): { command: string; prefix: string[] } {
  return cpu === undefined
    ? { command: NODE, prefix: [] }
    : { command: 'taskset', prefix: ['-c', String(cpu), NODE] };
}

/** `toolmesh serve --port N --config <generated>`; resolves once `/readyz` says every server is ready. */
export async function startToolmeshHttp(
  servers: (StdioServer | HttpServer)[],
  options: ToolmeshOptions = {},
): Promise<Launched & { readyMs: number; port: number }> {
  const config = toolmeshConfig(servers, options.config);
  const port = await freePort();
  const { command, prefix } = nodeCommand(options.cpu);
  const t0 = performance.now();
  const proc = start(
    'toolmesh',
    command,
    [
      ...prefix,
      ...(options.nodeArgs ?? []),
      options.cli ?? TOOLMESH,
      'serve',
      '--port',
      String(port),
      '--config',
      config,
    ],
    { env: { TOOLMESH_LOG_LEVEL: 'warn' } },
  );
  try {
    await waitForHttp(
      proc,
      `http://127.0.0.1:${port}/readyz`,
      (status, body) => (status === 200 || status === 503) && allReady(body),
      options.timeoutMs ?? 180_000,
      10,
    );
  } catch (error) {
    await proc.stop(); // the caller never gets `proc` to stop
    throw error;
  }
  const readyMs = performance.now() - t0;
  return { url: `http://127.0.0.1:${port}/mcp`, proc, readyMs, port };
}

/**
 * Whether /readyz says every server is ready. Throws once one has failed to start (`restarting` or
 * `failed`): every server here is a local fixture that starts first time, and the hub would otherwise
 * retry until the timeout.
 */
function allReady(body: string): boolean {
  const report = JSON.parse(body) as {
    ready: boolean;
    servers: { name: string; state: string; lastError?: string }[];
  };
  const broken = report.servers.find((server) => server.state === 'restarting' || server.state === 'failed');
  if (broken)
    throw new Error(`ToolMesh's server "${broken.name}" did not start: ${broken.lastError ?? broken.state}`);
  return report.ready && report.servers.every((server) => server.state === 'ready');
}

/** An endpoint that spawns `toolmesh serve --stdio` (from the driver's stdio client). */
export function toolmeshStdio(
  servers: (StdioServer | HttpServer)[],
  options: ToolmeshOptions = {},
): Endpoint {
  const { command, prefix } = nodeCommand(options.cpu);
  return {
    kind: 'stdio',
    command,
    args: [
      ...prefix,
      ...(options.nodeArgs ?? []),
      options.cli ?? TOOLMESH,
      'serve',
      '--stdio',
      '--config',
      toolmeshConfig(servers, options.config),
    ],
  };
}

export type PeerId = 'mcp-proxy' | 'mcp-proxy-no-eventstore' | 'supergateway-stateful' | 'supergateway-sse';

/** A peer proxy in front of one stdio server, with the command lines of perf.md §4. */
export async function startPeer(peer: PeerId, script: string, scriptArgs: string[] = []): Promise<Launched> {
  const port = await freePort();
  const server = [NODE, script, '--stdio', ...scriptArgs];
  let proc: Proc;
  let url = `http://127.0.0.1:${port}/mcp`;
  if (peer === 'mcp-proxy' || peer === 'mcp-proxy-no-eventstore') {
    const bin = `${ROOT}node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs`;
    const extra = peer === 'mcp-proxy-no-eventstore' ? ['--no-eventStore'] : [];
    proc = start(peer, NODE, [
      bin,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--server',
      'stream',
      ...extra,
      '--',
      ...server,
    ]);
  } else {
    const bin = `${ROOT}node_modules/supergateway/dist/index.js`;
    const output =
      peer === 'supergateway-stateful'
        ? ['--outputTransport', 'streamableHttp', '--stateful']
        : ['--outputTransport', 'sse'];
    if (peer === 'supergateway-sse') url = `http://127.0.0.1:${port}/sse`;
    proc = start(peer, NODE, [
      '-r',
      LOOPBACK,
      bin,
      '--stdio',
      server.join(' '),
      ...output,
      '--port',
      String(port),
      '--logLevel',
      'none',
    ]);
  }
  await waitForPort(proc, port);
  return { url, proc };
}

/** mcp-hub in front of stdio servers; resolves once `/api/health` reports every server connected. */
export async function startMcpHub(
  servers: StdioServer[],
  timeoutMs = 180_000,
): Promise<Launched & { readyMs: number }> {
  const { file, home } = mcpHubConfig(servers);
  const port = await freePort();
  const t0 = performance.now();
  const proc = start(
    'mcp-hub',
    NODE,
    ['-r', LOOPBACK, `${ROOT}node_modules/mcp-hub/dist/cli.js`, '--port', String(port), '--config', file],
    { env: xdgEnv(home), cwd: home },
  );
  await waitForHttp(
    proc,
    `http://127.0.0.1:${port}/api/health`,
    (status, body) => {
      if (status !== 200) return false;
      try {
        const health = JSON.parse(body) as { state: string; servers: { status: string }[] };
        return (
          health.state === 'ready' &&
          health.servers.length === servers.length &&
          health.servers.every((server) => server.status === 'connected')
        );
      } catch {
        return false;
      }
    },
    timeoutMs,
    10,
  );
  return { url: `http://127.0.0.1:${port}/mcp`, proc, readyMs: performance.now() - t0 };
}

/** Runs one driver job in its own process (pinned to `cpu` if given) and returns its result. */
export async function runDriver<T>(job: Job, timeoutMs = 300_000, cpu?: number): Promise<T> {
  const { command, prefix } = nodeCommand(cpu);
  const proc = start(`driver:${job.kind}`, command, [
    ...prefix,
    `${ROOT}bench/driver.ts`,
    JSON.stringify(job),
  ]);
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    proc.exited.then(() => true),
    new Promise<false>((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer); // a pending timer kept `npm run bench:alloc` alive for 5 minutes after its report
  if (!done) {
    await proc.stop();
    throw new Error(`driver ${job.kind} timed out after ${timeoutMs} ms`);
  }
  await proc.stop(); // reaps anything it left behind
  const match = /^RESULT (.*)$/m.exec(proc.stdout());
  if (!match)
    throw new Error(`driver ${job.kind} failed (exit ${proc.child.exitCode}): ${proc.stderr().slice(-3000)}`);
  return JSON.parse(match[1] as string) as T;
}
