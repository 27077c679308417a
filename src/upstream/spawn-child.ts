/**
 * Spawning a stdio server's process: what to run, with which environment, as the leader of its own
 * process group. Shared by `ChildStdioTransport` and `early-spawn.ts`, so a server spawned early runs
 * exactly as one spawned by its transport. Imports nothing but Node: `serve` loads it before the MCP SDK.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { ServerConfig } from '../config/model.ts';

/** What to spawn. The command runs without a shell, so shell syntax in it is never interpreted. */
export interface StdioParams {
  command: string;
  args: string[];
  /** Variables given on top of the safe default set. */
  env: Record<string, string>;
  /** Names of hub environment variables passed through as they are. */
  inheritEnv: string[];
  cwd?: string;
}

/** The spawn parameters of a stdio server (or replica) config. */
export function stdioParams(server: ServerConfig): StdioParams {
  return {
    command: server.command ?? '',
    args: server.args,
    env: server.env,
    inheritEnv: server.inheritEnv,
    cwd: server.cwd,
  };
}

/**
 * The variables every child gets, as the SDK's `getDefaultEnvironment` chooses them (same names, and
 * values that look like shell functions left out). Repeated here because importing it loads the whole
 * SDK client, which an early spawn exists to get ahead of.
 */
const DEFAULT_ENV_NAMES =
  process.platform === 'win32'
    ? [
        'APPDATA',
        'COMSPEC',
        'HOMEDRIVE',
        'HOMEPATH',
        'LOCALAPPDATA',
        'PATH',
        'PATHEXT',
        'PROCESSOR_ARCHITECTURE',
        'PROGRAMDATA',
        'PROGRAMFILES',
        'PROGRAMFILES(X86)',
        'PROGRAMW6432',
        'SYSTEMDRIVE',
        'SYSTEMROOT',
        'TEMP',
        'USERNAME',
        'USERPROFILE',
        'WINDIR',
      ]
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];

/** The safe default set of the hub's variables (spawn-child.test.ts holds it equal to the SDK's). */
export function defaultEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of DEFAULT_ENV_NAMES) {
    const value = process.env[name];
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  return env;
}

function childEnvironment(params: StdioParams): Record<string, string> {
  const env = defaultEnvironment();
  for (const name of params.inheritEnv) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...params.env };
}

/** Spawns the server: its own process group (so stopping it stops grandchildren too), three pipes. */
export function spawnStdioChild(params: StdioParams): ChildProcess {
  return spawn(params.command, params.args, {
    env: childEnvironment(params),
    cwd: params.cwd,
    shell: false,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/** Signals the child's whole process group (falling back to the child alone). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is already gone, or not supported on this platform
  }
}
