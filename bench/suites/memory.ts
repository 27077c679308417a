/** Memory per idle session: the live heap in-process, and RSS with 1,000 idle sessions on each server. */
import { join } from 'node:path';
import { runDriver, startHttpFixture, startMcpHub, startPeer, startToolmeshHttp } from '../lib/launch.ts';
import { ECHO, NODE, type Proc, ROOT, start } from '../lib/proc.ts';
import { log, measureWith, type Run, stopProcs } from '../lib/suite.ts';
import type { SessionsResult } from '../lib/types.ts';

export async function memory({ P }: Run) {
  const out: { who: string; result: SessionsResult }[] = [];
  log(`memory: live heap per session, in-process (${P.sessions} sessions)`);
  let heap: Record<string, number> | undefined;
  try {
    const proc = start('session-heap', NODE, [
      '--expose-gc',
      join(ROOT, 'bench', 'session-heap.ts'),
      String(P.sessions),
    ]);
    await proc.exited;
    const match = /^RESULT (.*)$/m.exec(proc.stdout());
    if (!match) throw new Error(proc.stderr().slice(-1000));
    heap = JSON.parse(match[1] as string) as Record<string, number>;
    await stopProcs([proc]);
  } catch (error) {
    log(`  failed: ${String(error).slice(0, 500)}`);
  }
  const cases: { who: string; sse?: true; launch: () => Promise<{ url: string; proc: Proc }> }[] = [
    {
      who: 'toolmesh (HTTP, 1 stdio upstream)',
      launch: () => startToolmeshHttp([{ name: 'echo', script: ECHO, prefix: false }]),
    },
    {
      who: 'direct-http (SDK v2 server, echo fixture)',
      launch: () => startHttpFixture(ECHO, [], 'echo-http'),
    },
    { who: 'mcp-proxy', launch: () => startPeer('mcp-proxy', ECHO) },
    { who: 'mcp-hub (SSE)', sse: true, launch: () => startMcpHub([{ name: 'echo', script: ECHO }]) },
    { who: 'supergateway (SSE)', sse: true, launch: () => startPeer('supergateway-sse', ECHO) },
  ];
  for (const { who, sse, launch } of cases.slice(0, P.sessionTargets)) {
    log(`memory: ${P.sessions} idle sessions on ${who}`);
    const started = () => launch().then((launched) => ({ ...launched, procs: [launched.proc] }));
    const result = await measureWith(started, (launched) =>
      runDriver<SessionsResult>({
        kind: 'sessions',
        url: launched.url,
        pid: launched.proc.pid,
        sessions: P.sessions,
        transport: sse ? 'sse' : 'http',
        getStream: true,
        idleMs: P.sessionIdleMs,
      }),
    );
    if (result) out.push({ who, result });
  }
  return { sessions: out, heap };
}
