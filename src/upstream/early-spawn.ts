/**
 * Stdio servers spawned before the hub exists. `serve` spawns the first few (see `spawnEarly`) right after
 * reading the config, so they boot while this process still loads the MCP SDK and the rest of the hub (work
 * that would otherwise come first); the first start of each of them then takes its process from here
 * instead of spawning one (`ChildStdioTransport`). Keyed by what is spawned, so a process is only ever
 * used by a transport that would have spawned exactly that.
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { replicaConfigs, type ServerConfig } from '../config/model.ts';
import { killGroup, type StdioParams, spawnStdioChild, stdioParams } from './spawn-child.ts';

interface EarlyChild {
  readonly child: ChildProcess;
  failed: boolean;
}

const waiting = new Map<string, EarlyChild[]>();

const keyOf = (params: StdioParams): string =>
  JSON.stringify([params.command, params.args, params.cwd ?? null, params.env, params.inheritEnv]);

/**
 * Spawns the first `limit` enabled stdio servers (each replica a process) of `servers` that have no config
 * problem; the others are spawned as usual when the hub starts them. Returns the process ids (undefined
 * where the spawn failed at once).
 *
 * The default limit is one process per CPU: enough to keep the CPUs busy while this process loads, and no
 * more, since the kernel shares CPU time per process. Spawning all 30 servers of a config at once left
 * this process one share in 31 while they booted: on 2 cores it took 5-10 s to load a hub that loads in
 * 0.3 s, and it listened only after 10-16 s (docs/benchmarks.md).
 */
export function spawnEarly(
  servers: readonly ServerConfig[],
  limit = availableParallelism(),
): (number | undefined)[] {
  const pids: (number | undefined)[] = [];
  for (const server of servers) {
    if (!server.enabled || server.problem) continue;
    for (const replica of replicaConfigs(server)) {
      if (replica.transport !== 'stdio' || replica.problem || pids.length >= limit) continue;
      const params = stdioParams(replica);
      const early: EarlyChild = { child: spawnStdioChild(params), failed: false };
      // Until a transport takes it, a failed spawn (a missing command) must not be an unhandled 'error'.
      early.child.once('error', () => {
        early.failed = true;
      });
      const key = keyOf(params);
      waiting.set(key, [...(waiting.get(key) ?? []), early]);
      pids.push(early.child.pid);
    }
  }
  return pids;
}

/**
 * A live process spawned early for `params`, now the caller's, or undefined. One that failed to spawn or
 * has exited already is dropped: the caller then spawns as usual, and sees the failure itself.
 */
export function takeEarlySpawn(params: StdioParams): ChildProcess | undefined {
  if (waiting.size === 0) return undefined; // every spawn but serve's first ones
  const key = keyOf(params);
  const early = waiting.get(key)?.shift();
  if (waiting.get(key)?.length === 0) waiting.delete(key);
  if (!early) return undefined;
  const { child } = early;
  if (!early.failed && child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    return child;
  }
  killGroup(child, 'SIGKILL');
  return undefined;
}

/** Kills every process spawned early that no transport took (start-up has settled, or failed). */
export function discardEarlySpawns(): void {
  for (const list of waiting.values()) for (const { child } of list) killGroup(child, 'SIGKILL');
  waiting.clear();
}
