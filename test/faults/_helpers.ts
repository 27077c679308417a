/**
 * Shared helpers for the fault tests: polling with a deadline, process liveness, the real CLI as a child
 * process, temp config files and SDK clients for the hub's HTTP and stdio faces.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Hub, ServerStatus } from '../../src/hub.ts';
import { nodeBin } from '../fixtures/spawn.ts';

/** Absolute path of the CLI entry point. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * Polls `probe` until it returns something other than `undefined`/`false` and returns that, or fails after
 * `timeoutMs` naming `what` (and the probe's last error). Returns as soon as the condition holds.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${String(lastError)})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** Rejects with a clear message if `promise` does not settle within `ms` (a hang becomes a failure). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True while `pid` names a live process. A zombie (exited, not yet reaped by its parent, e.g. a reparented
 * grandchild waiting for a container's init) counts as gone: it holds no resources and runs no code.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** Asserts that none of `pids` is alive, naming the survivors. */
export function assertAllGone(pids: Iterable<number>, context: string): void {
  const alive = [...new Set(pids)].filter(isAlive);
  assert.deepEqual(alive, [], `${context}: processes still alive: ${alive.join(', ')}`);
}

/** Waits (with a deadline) until none of `pids` is alive. */
export async function waitAllGone(
  pids: Iterable<number>,
  context: string,
  timeoutMs = 10_000,
): Promise<void> {
  const list = [...new Set(pids)];
  await waitFor(
    `${context}: pids ${list.join(', ')} to exit`,
    () => list.every((pid) => !isAlive(pid)),
    timeoutMs,
  );
}

/** A loopback TCP port that nothing listens on (bound once to get it, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The status of server `name`, failing the test if the hub has no such server. */
export function statusOf(hub: Hub, name: string): ServerStatus {
  const status = hub.servers().find((server) => server.name === name);
  assert.ok(status, `hub has no server "${name}"`);
  return status;
}

/** Waits until server `name` satisfies `predicate` (by default: is ready), and returns its status. */
export function waitForServer(
  hub: Hub,
  name: string,
  predicate: (status: ServerStatus) => boolean = (status) => status.state === 'ready',
  timeoutMs = 15_000,
): Promise<ServerStatus> {
  return waitFor(
    `server "${name}" (now ${JSON.stringify(statusOf(hub, name).state)})`,
    () => {
      const status = statusOf(hub, name);
      return predicate(status) ? status : undefined;
    },
    timeoutMs,
  );
}

/** Waits until the merged catalog offers `tool` (the catalog lags a state change by its coalescing delay). */
export function waitForTool(hub: Hub, tool: string, timeoutMs = 15_000): Promise<true> {
  return waitFor(`tool ${tool} in the catalog`, () => hub.catalog.tools.has(tool), timeoutMs);
}

/** The concatenated text parts of a tool result. */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** An SDK client connected to a hub's Streamable HTTP face, with every out-of-band error it reported. */
export async function httpClient(url: string): Promise<{ client: Client; errors: Error[] }> {
  const client = new Client({ name: 'faults-test', version: '0.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { client, errors };
}

/**
 * The SDK's stdio client transport plus a tap on the child's raw stdout, so a test can check that every
 * line was JSON-RPC: the SDK's reader silently skips lines that are not JSON, so a client alone would not
 * notice a hub that prints logs on stdout.
 */
export class TappedStdioTransport extends StdioClientTransport {
  stdout = '';

  override async start(): Promise<void> {
    await super.start();
    const child = (this as unknown as { _process?: ChildProcess })._process;
    assert.ok(child?.stdout, 'StdioClientTransport internals changed: no _process.stdout to tap');
    child.stdout.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString('utf8');
    });
  }

  /** Complete stdout lines that are not JSON-RPC 2.0 messages. */
  nonJsonRpcLines(): string[] {
    const lines = this.stdout.split('\n').slice(0, -1);
    return lines.filter((line) => {
      try {
        const message = JSON.parse(line) as { jsonrpc?: unknown };
        return message?.jsonrpc !== '2.0';
      } catch {
        return true;
      }
    });
  }
}

/** A fresh temp directory, removed by `cleanup()`. */
export async function tempDir(): Promise<{
  dir: string;
  write(name: string, text: string): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'toolmesh-faults-'));
  return {
    dir,
    async write(name, text) {
      const file = join(dir, name);
      await writeFile(file, text);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `toolmesh <args>` as a real child process (cwd `cwd`, extra `env`) and collects its output. Killed
 * (and reported as a failure) if it runs longer than `timeoutMs`.
 */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<CliRun> {
  const child = spawn(nodeBin, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  assert.equal(
    signal,
    null,
    `toolmesh ${args.join(' ')} was killed after ${timeoutMs} ms; stderr: ${stderr}`,
  );
  return { code, signal, stdout, stderr };
}

/** YAML for a stdio server entry running fixture `name` (absolute paths, so the file works from any cwd). */
export function yamlStdioServer(name: string, fixture: string, extra: string[] = []): string {
  return [
    `  ${name}:`,
    `    command: ${JSON.stringify(nodeBin)}`,
    `    args: ${JSON.stringify([fixture, '--stdio'])}`,
    ...extra.map((line) => `    ${line}`),
  ].join('\n');
}

/** An SDK client on `toolmesh serve --stdio`, spawned as a real child process. */
export interface StdioHub {
  client: Client;
  transport: TappedStdioTransport;
  /** Errors the client reported out of band (unexpected responses, invalid messages). */
  errors: Error[];
  /** Everything the hub wrote to stderr so far. */
  stderr(): string;
  /** The hub's own pid. */
  pid: number;
  /** Closes stdin and waits for the hub to exit. */
  close(): Promise<void>;
}

/**
 * `TOOLMESH_HOME` of this test run, for hubs started through an MCP stdio client: the SDK gives a child only
 * a safe default environment, and without it a hub keeps its pins in the developer's `~/.toolmesh`.
 */
export const TEST_HOME_ENV: Record<string, string> = process.env.TOOLMESH_HOME
  ? { TOOLMESH_HOME: process.env.TOOLMESH_HOME }
  : {};

export async function stdioHub(
  configFile: string,
  options: { cwd: string; env?: Record<string, string> },
): Promise<StdioHub> {
  const transport = new TappedStdioTransport({
    command: nodeBin,
    args: [CLI, 'serve', '--stdio', '--config', configFile],
    cwd: options.cwd,
    env: { ...TEST_HOME_ENV, ...options.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'faults-test', version: '0.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(transport);
  const pid = transport.pid;
  assert.ok(pid, 'the hub has a pid once connected');
  return {
    client,
    transport,
    errors,
    stderr: () => stderr,
    pid,
    close: () => client.close(),
  };
}

/** Pids whose parent is `pid` (read from /proc; empty where there is none). */
export function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return children;
}

/** SIGKILLs whichever of `pids` still runs, so a failed test leaves nothing behind. */
export function killSurvivors(pids: Iterable<number>): void {
  for (const pid of new Set(pids)) {
    if (pid > 0 && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}
