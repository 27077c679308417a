/** CPU profiles of the hub under load at 64 in flight, one per face, summed per area and function. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoint } from '../lib/client.ts';
import { runDriver, startToolmeshHttp, toolmeshStdio } from '../lib/launch.ts';
import { descendants, ECHO, ROOT, sleep } from '../lib/proc.ts';
import { analyzeProfile } from '../lib/profile.ts';
import { log, type Run, stopProcs } from '../lib/suite.ts';
import type { LoadResult, ProfileSummary } from '../lib/types.ts';

const PROFILE_DIR = join(ROOT, 'bench', 'results', 'profiles');

export async function profile({ P, date }: Run): Promise<ProfileSummary[]> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const out: ProfileSummary[] = [];
  // The hub gets CPU 0 to itself; the driver and the echo server share CPU 1. On shared cores a sampling
  // profiler charges the time a process spends preempted to whatever it was doing (usually the write that
  // woke its peer), which hides the real costs.
  const HUB_CPU = 0;
  const OTHER_CPU = 1;
  for (const face of ['http', 'stdio'] as const) {
    const dir = join(PROFILE_DIR, `${date}-${face}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // The sources, not the bundle: a profile then names each package and module (in the bundle every
    // function sits in a dist/cli/chunk-*.js). The stripper only adds start-up, not the load measured.
    const options = {
      nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
      cpu: HUB_CPU,
      cli: `${ROOT}src/cli/main.ts`,
    };
    const echo = { name: 'echo', script: ECHO, prefix: false };
    log(`profile: ToolMesh ${face} face under c64 for ${P.profileMs} ms`);
    let hub: Awaited<ReturnType<typeof startToolmeshHttp>> | undefined;
    try {
      let endpoint: Endpoint;
      if (face === 'http') {
        hub = await startToolmeshHttp([echo], options);
        for (const pid of descendants(hub.proc.pid)) pin(pid, OTHER_CPU);
        endpoint = { kind: 'http', url: hub.url };
      } else {
        endpoint = toolmeshStdio([echo], options);
      }
      const result = await runDriver<LoadResult>(
        {
          kind: 'load',
          endpoint,
          tool: 'echo',
          warmup: 200,
          seq: 0,
          concurrency: [64],
          durationMs: P.profileMs,
          connects: 0,
          pid: hub?.proc.pid,
          pinDescendants: face === 'stdio' ? OTHER_CPU : undefined,
        },
        60_000,
        OTHER_CPU,
      );
      if (hub) {
        // SIGTERM: the hub stops cleanly and Node writes the profile on exit.
        hub.proc.child.kill('SIGTERM');
        await Promise.race([hub.proc.exited, sleep(10_000)]);
        await stopProcs([hub.proc]);
      }
      await sleep(500);
      // `serve` restarts itself once at start (lean-malloc.ts), and Node writes a profile for each image:
      // the one of the load is the largest.
      const file = readdirSync(dir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
      if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
      const analysis = analyzeProfile(join(dir, file), ROOT);
      out.push({
        face,
        durationMs: analysis.durationMs,
        busyMs: analysis.busyMs,
        calls: result.c64?.calls ?? 0,
        rps: result.c64?.rps ?? 0,
        cpuMsPerCall: result.c64?.cpuMsPerCall.proxy ?? null,
        file: join(dir, file).replace(ROOT, ''),
        byArea: analysis.byArea.slice(0, 12),
        top: analysis.top,
      });
    } catch (error) {
      log(`  failed: ${String(error).slice(0, 500)}`);
      await stopProcs(hub ? [hub.proc] : []);
    }
  }
  return out;
}

function pin(pid: number, cpu: number): void {
  spawnSync('taskset', ['-pc', String(cpu), String(pid)], { stdio: 'ignore' });
}
