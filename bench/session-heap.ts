/**
 * Live heap per idle 2025-era session, measured in-process: the hub's `LegacySessions` on a hub without
 * upstreams, N sessions opened (initialize, initialized, tools/list) through `handle()` with web `Request`s,
 * and the heap compared after full GCs. No sockets, so this is what a session itself keeps alive; the RSS
 * figure of the memory suite adds connection state and V8 heap headroom on top.
 *
 *   node --expose-gc bench/session-heap.ts [N]        prints `RESULT {"sessions":N,"heapKbPerSession":…}`
 */
import { DEFAULT_LISTEN, type HubConfig } from '../src/config/model.ts';
import { Hub } from '../src/hub.ts';
import { LegacySessions } from '../src/server/legacy-sessions.ts';
import { McpFace } from '../src/server/mcp-server.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const count = Number(process.argv[2] ?? 1000);
const hub = new Hub({ servers: [], listen: DEFAULT_LISTEN, warnings: [] } as unknown as HubConfig);
await hub.start();
const sessions = new LegacySessions(new McpFace(hub));
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function post(body: unknown, sessionId?: string): Promise<Response> {
  const extra = sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' } : {};
  const request = new Request('http://127.0.0.1/mcp', {
    method: 'POST',
    headers: { ...headers, ...extra },
    body: JSON.stringify(body),
  });
  return sessions.handle(request);
}

async function open(i: number): Promise<void> {
  const init = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: `c${i}`, version: '1' } },
  });
  const sessionId = init.headers.get('mcp-session-id') ?? '';
  await init.text();
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId)).text();
  await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, sessionId)).text();
}

for (let i = 0; i < 50; i++) await open(i); // warm-up: lazily built SDK state exists before the reading
gc();
gc();
const before = process.memoryUsage();
for (let i = 0; i < count; i++) await open(1_000 + i);
gc();
gc();
const after = process.memoryUsage();
const perSession = (a: number, b: number) => Math.round(((b - a) / count / 1024) * 10) / 10;
process.stdout.write(
  `RESULT ${JSON.stringify({
    sessions: count,
    heapKbPerSession: perSession(before.heapUsed, after.heapUsed),
    rssKbPerSession: perSession(before.rss, after.rss),
  })}\n`,
);
await sessions.closeAll();
process.exit(0);
