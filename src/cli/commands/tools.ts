import type { Tool } from '@modelcontextprotocol/client';
import { createLogger } from '../../observability/logger.ts';
import type { ExitCode } from '../exit-codes.ts';
import { EXIT } from '../exit-codes.ts';
import { openHub } from '../open-hub.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { note, printJson, printTable } from '../output.ts';
import { catalogCost, printCatalogCost } from './tool-stats.ts';

export const summary = 'list the merged tool catalog: served names and where each comes from';
export const help = `Usage: toolmesh tools [--config FILE] [--json] [--stats]

Starts the configured servers, prints every tool as clients see it (filters, renames and overrides
applied), and stops them again. ANNOTATIONS shows the tool's hints: read-only, destructive, idempotent,
open-world. Tools withheld by pinning are named on stderr.
  --stats  instead, what the catalog costs a model: estimated tokens per server, per discovery mode
           (full, meta, both) and per configured client rule (see docs/discovery.md)`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values } = parseCommand('tools', argv, { stats: { type: 'boolean' } });
  const config = await resolveConfig(values.config);
  const { hub, stop } = await openHub(config, createLogger(values.verbose ? 'debug' : 'silent'));
  await hub.start();
  const entries = [...hub.catalog.tools.values()];
  const withheld = [...hub.catalog.withheld.values()];
  const unavailable = hub.servers().filter((s) => s.state !== 'ready' && s.state !== 'disabled');
  await stop();
  if (values.stats) printCatalogCost(catalogCost(hub.catalog, config.discovery), values.json === true);
  else if (values.json) {
    printJson(
      entries.map(({ name, server, original, definition }) => ({
        name,
        server,
        original,
        title: definition.title,
        description: definition.description,
        annotations: definition.annotations,
        inputSchema: definition.inputSchema,
      })),
    );
  } else {
    printTable(
      ['NAME', 'SERVER', 'ANNOTATIONS', 'DESCRIPTION'],
      entries.map((e) => [
        e.name,
        e.server,
        hints(e.definition.annotations),
        firstLine(e.definition.description ?? e.definition.title ?? ''),
      ]),
    );
  }
  for (const tool of withheld)
    note(
      `withheld: ${tool.name} (${tool.server}) changed since approved; see toolmesh pins diff ${tool.name}`,
    );
  for (const server of unavailable)
    note(`warning: server "${server.name}" is ${server.state}: ${server.lastError ?? ''}`);
  return EXIT.OK;
}

/** The annotation hints that are set, in words; `-` for none. */
function hints(annotations: Tool['annotations']): string {
  const set = [
    annotations?.readOnlyHint && 'read-only',
    annotations?.destructiveHint && 'destructive',
    annotations?.idempotentHint && 'idempotent',
    annotations?.openWorldHint && 'open-world',
  ].filter(Boolean);
  return set.join(',') || '-';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
