/** Fan-out: one client, W parallel `sleep 50` calls to W slow servers, directly, through ToolMesh and mcp-hub. */
import type { Endpoint } from '../lib/client.ts';
import type { StdioServer } from '../lib/configs.ts';
import { runDriver, startHttpFixture, startMcpHub, startToolmeshHttp, toolmeshStdio } from '../lib/launch.ts';
import { NODE, type Proc, SLOW } from '../lib/proc.ts';
import { log, measureWith, type Run } from '../lib/suite.ts';
import type { FanoutResult } from '../lib/types.ts';

const slowServers = (width: number): StdioServer[] =>
  Array.from({ length: width }, (_, i) => ({ name: `s${i + 1}`, script: SLOW }));

export async function fanout({ P }: Run) {
  const out: { path: string; result: FanoutResult }[] = [];
  const common = { ms: 50, rounds: P.fanoutRounds, seqRounds: P.fanoutSeqRounds };
  for (const width of P.fanoutWidths) {
    const prefixed = slowServers(width).map((s) => `${s.name}__sleep`);
    // Issue 6's composite: one tools/call whose branches the hub runs in parallel.
    const composite = {
      composites: {
        fan: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: ${{ }} is the composite template syntax
          branches: prefixed.map((tool) => ({ tool, args: { ms: '${{ args.ms }}' } })),
          minSuccesses: width,
        },
      },
    };
    const paths: {
      path: string;
      composite?: string;
      run: () => Promise<{ endpoints: Endpoint[]; tools: string[]; procs: Proc[] }>;
    }[] = [
      {
        path: 'direct stdio, one client per server',
        run: async () => ({
          endpoints: slowServers(width).map(
            () => ({ kind: 'stdio', command: NODE, args: [SLOW, '--stdio'] }) as Endpoint,
          ),
          tools: slowServers(width).map(() => 'sleep'),
          procs: [],
        }),
      },
      {
        path: 'ToolMesh HTTP, one session',
        run: async () => {
          const hub = await startToolmeshHttp(slowServers(width));
          return { endpoints: [{ kind: 'http', url: hub.url }], tools: prefixed, procs: [hub.proc] };
        },
      },
      {
        path: 'ToolMesh HTTP, one composite call',
        composite: 'fan',
        run: async () => {
          const hub = await startToolmeshHttp(slowServers(width), { config: composite });
          return { endpoints: [{ kind: 'http', url: hub.url }], tools: prefixed, procs: [hub.proc] };
        },
      },
      {
        path: 'ToolMesh stdio, one session',
        run: async () => ({
          endpoints: [toolmeshStdio(slowServers(width))],
          tools: prefixed,
          procs: [],
        }),
      },
      {
        path: 'ToolMesh stdio, one composite call',
        composite: 'fan',
        run: async () => ({
          endpoints: [toolmeshStdio(slowServers(width), { config: composite })],
          tools: prefixed,
          procs: [],
        }),
      },
      {
        path: 'mcp-hub SSE, one session',
        run: async () => {
          const hub = await startMcpHub(slowServers(width));
          return { endpoints: [{ kind: 'sse', url: hub.url }], tools: prefixed, procs: [hub.proc] };
        },
      },
    ];
    if (width <= 5) {
      paths.splice(1, 0, {
        path: 'direct Streamable HTTP, one client per server',
        run: async () => {
          const servers = await Promise.all(
            slowServers(width).map((s) => startHttpFixture(SLOW, [], s.name)),
          );
          return {
            endpoints: servers.map((s) => ({ kind: 'http', url: s.url }) as Endpoint),
            tools: servers.map(() => 'sleep'),
            procs: servers.map((s) => s.proc),
          };
        },
      });
    }
    for (const { path, composite: fan, run } of paths) {
      log(`fanout width ${width}: ${path}`);
      const result = await measureWith(run, (setup) =>
        runDriver<FanoutResult>({
          kind: 'fanout',
          endpoints: setup.endpoints,
          tools: setup.tools,
          ...common,
          ...(fan && { composite: fan }),
        }),
      );
      if (result) out.push({ path, result });
    }
  }
  return out;
}
