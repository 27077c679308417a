/** Catalog: `tools/list` with many tools from many servers, through ToolMesh and mcp-hub, and directly. */
import type { Endpoint } from '../lib/client.ts';
import type { StdioServer } from '../lib/configs.ts';
import { runDriver, startHttpFixture, startMcpHub, startToolmeshHttp } from '../lib/launch.ts';
import { MANY_TOOLS, NODE, type Proc } from '../lib/proc.ts';
import { round } from '../lib/stats.ts';
import { log, type Run, stopProcs } from '../lib/suite.ts';
import type { CatalogResult } from '../lib/types.ts';

export async function catalog({ P }: Run) {
  const total = P.catalogServers * P.catalogTools;
  const servers: StdioServer[] = Array.from({ length: P.catalogServers }, (_, i) => ({
    name: `m${i + 1}`,
    script: MANY_TOOLS,
    args: ['--tools', String(P.catalogTools)],
  }));
  const job = (endpoint: Endpoint, pid?: number) => ({
    kind: 'catalog' as const,
    endpoint,
    lists: P.catalogLists,
    warmup: 3,
    pid,
  });
  const out: { path: string; readyMs?: number; result: CatalogResult }[] = [];
  const throughHub = async (
    path: string,
    kind: 'http' | 'sse',
    launch: () => Promise<{ url: string; proc: Proc; readyMs: number }>,
  ) => {
    log(`catalog: ${path}`);
    let hub: { url: string; proc: Proc; readyMs: number } | undefined;
    try {
      hub = await launch();
      const result = await runDriver<CatalogResult>(job({ kind, url: hub.url }, hub.proc.pid));
      out.push({ path, readyMs: round(hub.readyMs, 1), result });
    } catch (error) {
      log(`  failed: ${String(error).slice(0, 500)}`);
    } finally {
      await stopProcs(hub ? [hub.proc] : []);
    }
  };
  const shape = `${P.catalogServers} stdio servers × ${P.catalogTools} tools`;
  await throughHub(`ToolMesh HTTP, ${shape}`, 'http', () => startToolmeshHttp(servers));
  await throughHub(`mcp-hub SSE, ${shape}`, 'sse', () => startMcpHub(servers));
  log(`catalog: direct, one server with ${total} tools`);
  try {
    out.push({
      path: `direct stdio, one server with ${total} tools`,
      result: await runDriver<CatalogResult>(
        job({ kind: 'stdio', command: NODE, args: [MANY_TOOLS, '--stdio', '--tools', String(total)] }),
      ),
    });
    const fixture = await startHttpFixture(MANY_TOOLS, ['--tools', String(total)], 'many-http');
    try {
      out.push({
        path: `direct Streamable HTTP, one server with ${total} tools`,
        result: await runDriver<CatalogResult>(job({ kind: 'http', url: fixture.url }, fixture.proc.pid)),
      });
    } finally {
      await stopProcs([fixture.proc]);
    }
  } catch (error) {
    log(`  failed: ${String(error).slice(0, 500)}`);
  }
  return out;
}
