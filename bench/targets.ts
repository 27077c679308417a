/**
 * The proxy-overhead targets: the echo fixture reached directly, through ToolMesh, and through the peers.
 * Every target is started fresh for each repetition and stopped before the next one starts.
 */
import type { Endpoint } from './lib/client.ts';
import { startHttpFixture, startMcpHub, startPeer, startToolmeshHttp, toolmeshStdio } from './lib/launch.ts';
import { ECHO, ECHO_SSE, NODE, type Proc, RELAY_FLOOR, TOOLMESH } from './lib/proc.ts';

/** `floor`: the cheapest possible relay, a reference for what any Node proxy must pay (not a peer). */
export type Group = 'direct' | 'floor' | 'toolmesh' | 'peer';

export interface Running {
  endpoint: Endpoint;
  /** Process to charge CPU to (absent for stdio: the driver uses the child it spawned). */
  pid?: number;
  /** Further processes on the path (an HTTP upstream of the hub). */
  extraPids?: number[];
  procs: Proc[];
}

export interface Target {
  id: string;
  group: Group;
  /** What the client speaks to it. */
  front: 'stdio' | 'http' | 'sse';
  /** The direct target with the same client-facing transport, for ratios. */
  direct: string;
  /** One-line description for the report. */
  path: string;
  /** The exact command line, for the report. */
  command: string;
  tool: string;
  /** New sessions to time; targets that spawn per session get fewer. */
  connects?: number;
  /** Only in a full run (not `--quick`). */
  fullOnly?: boolean;
  /** At most this many repetitions (informative targets, to keep the full run near 10 minutes). */
  maxReps?: number;
  launch(): Promise<Running>;
}

const echoStdio = { name: 'echo', script: ECHO, prefix: false };
/** The same, spoken to in the 2025-11-25 era: the era the direct client speaks, so both legs compare alike. */
const echoStdio2025 = { ...echoStdio, protocol: '2025-11-25' } as const;

export const TARGETS: Target[] = [
  {
    id: 'direct-stdio',
    group: 'direct',
    front: 'stdio',
    direct: 'direct-stdio',
    path: 'client → echo (stdio, spawned by the client)',
    command: 'client spawns `node test/fixtures/servers/echo.ts --stdio`',
    tool: 'echo',
    connects: 3,
    async launch() {
      return { endpoint: { kind: 'stdio', command: NODE, args: [ECHO, '--stdio'] }, procs: [] };
    },
  },
  {
    id: 'direct-stdio-modern',
    group: 'direct',
    front: 'stdio',
    direct: 'direct-stdio-modern',
    path: 'client (2026-07-28 era) → echo (stdio, spawned by the client)',
    command: 'as direct-stdio, client `versionNegotiation: auto` (the era the hub speaks to echo by default)',
    tool: 'echo',
    connects: 3,
    fullOnly: true,
    maxReps: 1,
    async launch() {
      return {
        endpoint: { kind: 'stdio', command: NODE, args: [ECHO, '--stdio'], era: 'modern' },
        procs: [],
      };
    },
  },
  {
    id: 'relay-floor',
    group: 'floor',
    front: 'stdio',
    direct: 'direct-stdio',
    path: 'client → a bare JSON-RPC relay (parse, renumber ids, serialise) → echo (stdio)',
    command: 'client spawns `node bench/fixtures/relay-floor.ts node echo.ts --stdio`',
    tool: 'echo',
    connects: 3,
    async launch() {
      return {
        endpoint: { kind: 'stdio', command: NODE, args: [RELAY_FLOOR, NODE, ECHO, '--stdio'] },
        procs: [],
      };
    },
  },
  {
    id: 'direct-http',
    group: 'direct',
    front: 'http',
    direct: 'direct-http',
    path: 'client → echo (Streamable HTTP, SDK v2 server, SSE-framed responses)',
    command: '`node test/fixtures/servers/echo.ts --port N`',
    tool: 'echo',
    async launch() {
      const echo = await startHttpFixture(ECHO, [], 'echo-http');
      return { endpoint: { kind: 'http', url: echo.url }, pid: echo.proc.pid, procs: [echo.proc] };
    },
  },
  {
    id: 'direct-sse',
    group: 'direct',
    front: 'sse',
    direct: 'direct-sse',
    path: 'client → echo (legacy HTTP+SSE, SDK v1 server)',
    command: '`node bench/fixtures/echo-sse.ts --port N`',
    tool: 'echo',
    async launch() {
      const echo = await startHttpFixture(ECHO_SSE, [], 'echo-sse');
      const url = echo.url.replace(/\/mcp$/, '/sse');
      return { endpoint: { kind: 'sse', url }, pid: echo.proc.pid, procs: [echo.proc] };
    },
  },
  ...toolmeshTargets(TOOLMESH, ''),
  {
    id: 'direct-http-modern',
    group: 'direct',
    front: 'http',
    direct: 'direct-http-modern',
    path: 'client (2026-07-28 era) → echo (Streamable HTTP, stateless per request)',
    command: '`node test/fixtures/servers/echo.ts --port N`, client `versionNegotiation: auto`',
    tool: 'echo',
    fullOnly: true,
    maxReps: 1,
    async launch() {
      const echo = await startHttpFixture(ECHO, [], 'echo-http');
      return {
        endpoint: { kind: 'http', url: echo.url, era: 'modern' },
        pid: echo.proc.pid,
        procs: [echo.proc],
      };
    },
  },
  {
    id: 'mcp-proxy',
    group: 'peer',
    fullOnly: true,
    front: 'http',
    direct: 'direct-http',
    path: 'client → mcp-proxy (Streamable HTTP, event store on) → echo (stdio)',
    command:
      '`node node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs --host 127.0.0.1 --port N --server stream -- node echo.ts --stdio`',
    tool: 'echo',
    async launch() {
      const peer = await startPeer('mcp-proxy', ECHO);
      return { endpoint: { kind: 'http', url: peer.url }, pid: peer.proc.pid, procs: [peer.proc] };
    },
  },
  {
    id: 'mcp-proxy-no-eventstore',
    group: 'peer',
    front: 'http',
    direct: 'direct-http',
    path: 'client → mcp-proxy --no-eventStore → echo (stdio)',
    command: 'same plus `--no-eventStore`',
    tool: 'echo',
    async launch() {
      const peer = await startPeer('mcp-proxy-no-eventstore', ECHO);
      return { endpoint: { kind: 'http', url: peer.url }, pid: peer.proc.pid, procs: [peer.proc] };
    },
  },
  {
    id: 'supergateway-stateful',
    group: 'peer',
    fullOnly: true,
    front: 'http',
    direct: 'direct-http',
    path: 'client → supergateway (Streamable HTTP, --stateful: one child per session) → echo (stdio)',
    command:
      '`node -r test/fixtures/loopback.cjs node_modules/supergateway/dist/index.js --stdio "node echo.ts --stdio" --outputTransport streamableHttp --stateful --port N --logLevel none`',
    tool: 'echo',
    connects: 5,
    async launch() {
      const peer = await startPeer('supergateway-stateful', ECHO);
      return { endpoint: { kind: 'http', url: peer.url }, pid: peer.proc.pid, procs: [peer.proc] };
    },
  },
  {
    id: 'supergateway-sse',
    group: 'peer',
    front: 'sse',
    direct: 'direct-sse',
    path: 'client → supergateway (SSE) → echo (stdio)',
    command: 'same with `--outputTransport sse` (no `--stateful`), endpoint `/sse`',
    tool: 'echo',
    async launch() {
      const peer = await startPeer('supergateway-sse', ECHO);
      return { endpoint: { kind: 'sse', url: peer.url }, pid: peer.proc.pid, procs: [peer.proc] };
    },
  },
  {
    id: 'mcp-hub',
    group: 'peer',
    fullOnly: true,
    front: 'sse',
    direct: 'direct-sse',
    path: 'client → mcp-hub (SSE at /mcp) → echo (stdio)',
    command:
      '`node -r test/fixtures/loopback.cjs node_modules/mcp-hub/dist/cli.js --port N --config <mcpServers: echo1>`, XDG_* in a scratch dir; tool `echo1__echo`',
    tool: 'echo1__echo',
    async launch() {
      const hub = await startMcpHub([{ name: 'echo1', script: ECHO }]);
      return { endpoint: { kind: 'sse', url: hub.url }, pid: hub.proc.pid, procs: [hub.proc] };
    },
  },
];

/**
 * The ToolMesh targets for the CLI at `cli` (`src/cli/main.ts` of this checkout, or of another one for an
 * A/B run with `--baseline <dir>`, whose targets get `suffix`).
 */
export function toolmeshTargets(cli: string, suffix: string): Target[] {
  return [
    {
      id: `toolmesh-stdio${suffix}`,
      group: 'toolmesh',
      front: 'stdio',
      direct: 'direct-stdio',
      path: 'client → ToolMesh (stdio) → echo (stdio)',
      command: 'client spawns `node src/cli/main.ts serve --stdio --config <echo, prefix: false>`',
      tool: 'echo',
      connects: 3,
      async launch() {
        return {
          endpoint: toolmeshStdio([echoStdio], { cli }),
          procs: [],
        };
      },
    },
    {
      id: `toolmesh-stdio-2025${suffix}`,
      group: 'toolmesh',
      front: 'stdio',
      direct: 'direct-stdio',
      path: 'client → ToolMesh (stdio) → echo (stdio, `protocol: 2025-11-25`)',
      command: 'as toolmesh-stdio, the echo server with `protocol: 2025-11-25`',
      tool: 'echo',
      connects: 3,
      async launch() {
        return { endpoint: toolmeshStdio([echoStdio2025], { cli }), procs: [] };
      },
    },
    {
      id: `toolmesh-http${suffix}`,
      group: 'toolmesh',
      front: 'http',
      direct: 'direct-http',
      path: 'client → ToolMesh (Streamable HTTP) → echo (stdio)',
      command: '`node src/cli/main.ts serve --port N --config <echo stdio, prefix: false>`',
      tool: 'echo',
      async launch() {
        const hub = await startToolmeshHttp([echoStdio], { cli });
        return { endpoint: { kind: 'http', url: hub.url }, pid: hub.proc.pid, procs: [hub.proc] };
      },
    },
    {
      id: `toolmesh-http-2025${suffix}`,
      group: 'toolmesh',
      front: 'http',
      direct: 'direct-http',
      path: 'client → ToolMesh (Streamable HTTP) → echo (stdio, `protocol: 2025-11-25`)',
      command: 'as toolmesh-http, the echo server with `protocol: 2025-11-25`',
      tool: 'echo',
      async launch() {
        const hub = await startToolmeshHttp([echoStdio2025], { cli });
        return { endpoint: { kind: 'http', url: hub.url }, pid: hub.proc.pid, procs: [hub.proc] };
      },
    },
    {
      id: `toolmesh-http-http${suffix}`,
      group: 'toolmesh',
      front: 'http',
      direct: 'direct-http',
      path: 'client → ToolMesh (Streamable HTTP) → echo (Streamable HTTP)',
      command:
        '`node test/fixtures/servers/echo.ts --port M` + `serve --port N --config <echo url, prefix: false>`',
      tool: 'echo',
      async launch() {
        const echo = await startHttpFixture(ECHO, [], 'echo-http-upstream');
        const hub = await startToolmeshHttp([{ name: 'echo', url: echo.url, prefix: false }], { cli });
        return {
          endpoint: { kind: 'http', url: hub.url },
          pid: hub.proc.pid,
          extraPids: [echo.proc.pid],
          procs: [hub.proc, echo.proc],
        };
      },
    },
    {
      id: `toolmesh-http-modern${suffix}`,
      group: 'toolmesh',
      front: 'http',
      direct: 'direct-http-modern',
      path: 'client (2026-07-28 era) → ToolMesh (Streamable HTTP) → echo (stdio)',
      command: 'as toolmesh-http, client `versionNegotiation: auto`',
      tool: 'echo',
      fullOnly: true,
      maxReps: 1,
      async launch() {
        const hub = await startToolmeshHttp([echoStdio], { cli });
        return {
          endpoint: { kind: 'http', url: hub.url, era: 'modern' },
          pid: hub.proc.pid,
          procs: [hub.proc],
        };
      },
    },
  ];
}
