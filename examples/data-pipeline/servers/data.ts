/**
 * The data sources of the pipeline example: three fixed tables, so every extract gives the same rows and
 * checksum. Extracts take a moment (`EXTRACT_MS`, default 40 ms), as a real query would, so running them
 * side by side shows.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

const TABLES: Record<string, { rows: number; columns: string[] }> = {
  orders: { rows: 1200, columns: ['order_id', 'customer_id', 'total', 'placed_at'] },
  customers: { rows: 340, columns: ['customer_id', 'name', 'country'] },
  inventory: { rows: 87, columns: ['sku', 'warehouse', 'on_hand'] },
};
const EXTRACT_MS = Number(process.env.EXTRACT_MS ?? 40);
const source = z.enum(Object.keys(TABLES) as [string, ...string[]]);
const checksum = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

await serve({
  name: 'data',
  setup(server) {
    server.registerTool(
      'list_sources',
      {
        description: 'The tables that can be extracted',
        outputSchema: z.object({ sources: z.array(z.string()) }),
        annotations: { readOnlyHint: true },
      },
      () => ok({ sources: Object.keys(TABLES) }),
    );
    server.registerTool(
      'extract',
      {
        description: 'Extract a snapshot of one table as of a date',
        inputSchema: z.object({ source, asOf: z.string() }),
        outputSchema: z.object({
          source: z.string(),
          datasetId: z.string(),
          rows: z.number().int(),
          checksum: z.string(),
        }),
        annotations: { readOnlyHint: true },
      },
      async ({ source, asOf }) => {
        await sleep(EXTRACT_MS);
        const table = TABLES[source] as (typeof TABLES)[string];
        const datasetId = `${source}@${asOf}`;
        return ok({ source, datasetId, rows: table.rows, checksum: checksum(`${datasetId}:${table.rows}`) });
      },
    );
    server.registerTool(
      'describe',
      {
        description: "A table's columns and row count",
        inputSchema: z.object({ source }),
        outputSchema: z.object({ source: z.string(), columns: z.array(z.string()), rows: z.number().int() }),
        annotations: { readOnlyHint: true },
      },
      ({ source }) => ok({ source, ...(TABLES[source] as (typeof TABLES)[string]) }),
    );
    server.registerTool(
      'verify',
      {
        description: 'Check an extracted dataset against its checksum',
        inputSchema: z.object({ datasetId: z.string(), checksum: z.string() }),
        outputSchema: z.object({ datasetId: z.string(), valid: z.boolean() }),
        annotations: { readOnlyHint: true },
      },
      ({ datasetId, checksum: given }) => {
        const table = TABLES[datasetId.split('@')[0] ?? ''];
        if (!table) return fail(`data: unknown dataset ${datasetId}`);
        return ok({ datasetId, valid: given === checksum(`${datasetId}:${table.rows}`) });
      },
    );
  },
});
