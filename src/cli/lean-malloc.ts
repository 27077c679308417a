/**
 * glibc's malloc settings for a long-running hub. By default glibc keeps memory that was freed: each of
 * Node's threads may get an arena of its own, and the trim threshold grows after a large block is freed, so
 * freed pages at the top of the heap are no longer given back. An idle hub with 10 servers held 81.6-82.2 MB
 * of RSS with the defaults and 78.3-79.3 MB with these two (docs/benchmarks.md). 131072 is glibc's own
 * default threshold: setting it only stops it from growing.
 */
const LEAN_MALLOC = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' } as const;

/**
 * Starts this process again in place with {@link LEAN_MALLOC} in its environment, unless it has them. glibc
 * reads them only when a process starts, and Node offers no `mallopt` or `malloc_trim`, so `process.execve`
 * it is: same pid, same stdin, stdout and stderr, same arguments, for about 45 ms of start-up (measured).
 * Call it first thing, before any child process or open file. Nothing happens off Linux, when Node lacks
 * `execve`, when the user set either variable (any value: that is how to keep glibc's defaults), or under
 * a debugger (a restart would drop the session it just attached).
 */
export function restartWithLeanMalloc(): void {
  if (process.platform !== 'linux' || typeof process.execve !== 'function') return;
  if (Object.keys(LEAN_MALLOC).some((name) => process.env[name] !== undefined)) return;
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
  if (flags.some((flag) => flag.includes('--inspect'))) return;
  const args = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  try {
    process.execve(process.execPath, args, { ...process.env, ...LEAN_MALLOC });
  } catch {
    // Not worth failing for: the hub runs as it is, with glibc's defaults.
  }
}
