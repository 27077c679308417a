import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Hub } from '../../hub.ts';
import type { RunStatus } from '../../workflows/durable.ts';
import type { WorkflowEvent } from '../../workflows/events.ts';
import { parseWorkflow } from '../../workflows/load.ts';
import { buildReport } from '../../workflows/report.ts';
import { RUN_STATUSES } from '../../workflows/run-history.ts';
import { SqliteRuntime } from '../../workflows/sqlite-runtime.ts';

/** Comment lines keep idle streams open through proxies that cut silent connections. */
const KEEPALIVE_MS = 15_000;

function error(code: string, message: string) {
  return { error: { code, message } };
}

/**
 * `GET /api/v1/runs[?status=S&limit=N]`: the journal's runs, newest first.
 * `GET /api/v1/runs/events[?run=ID]`: live `WorkflowEvent`s as Server-Sent Events (`event:` is the event's
 * type, `data:` the event as JSON), from every run of this hub or one run.
 * `GET /api/v1/runs/:id`: the run's report (docs/workflows.md, "Run reports").
 */
export function runRoutes(hub: Hub): Hono {
  const routes = new Hono();
  // The journal as the SQLite runtime it is (the hub's orchestration always makes one): it lists runs.
  const journal = () => {
    const runtime = hub.workflows?.runtime;
    return runtime instanceof SqliteRuntime ? runtime : undefined;
  };
  const absent = 'this hub keeps no workflow journal';
  routes.get('/', (c) => {
    const runs = journal();
    if (!runs) return c.json(error('NOT_FOUND', absent), 404);
    const status = c.req.query('status') as RunStatus | undefined;
    if (status !== undefined && !RUN_STATUSES.includes(status)) {
      return c.json(error('INVALID_REQUEST', `status must be one of ${RUN_STATUSES.join(', ')}`), 400);
    }
    const limit = Number(c.req.query('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      return c.json(error('INVALID_REQUEST', 'limit must be an integer from 1 to 10000'), 400);
    }
    return c.json({ runs: runs.runs({ status, limit }) });
  });
  routes.get('/events', (c) => {
    const workflows = hub.workflows;
    if (!workflows) return c.json(error('NOT_FOUND', 'this hub runs no workflows'), 404);
    const only = c.req.query('run');
    return streamSSE(c, async (stream) => {
      const send = (event: WorkflowEvent) => {
        if (only === undefined || event.runId === only) {
          stream.writeSSE({ event: event.type, data: JSON.stringify(event) }).catch(() => {});
        }
      };
      workflows.events.on('event', send);
      // Say at once that the stream is open, so a client knows it will see every event from here on.
      await stream.write(': open\n\n');
      await new Promise<void>((resolve) => {
        const keepalive = setInterval(() => void stream.write(': keep-alive\n\n'), KEEPALIVE_MS);
        stream.onAbort(() => {
          clearInterval(keepalive);
          workflows.events.off('event', send);
          resolve();
        });
      });
    });
  });
  routes.get('/:id', (c) => {
    const runs = journal();
    if (!runs) return c.json(error('NOT_FOUND', absent), 404);
    const history = runs.runHistory(c.req.param('id'));
    if (!history) return c.json(error('UNKNOWN_RUN', `no run "${c.req.param('id').slice(0, 64)}"`), 404);
    return c.json(buildReport(history, parseWorkflow(history.source, history.file), hub.catalog.tools));
  });
  return routes;
}
