/**
 * The analytics service of the onboarding example. `simulateOutage: true` (or `ANALYTICS_DOWN=1` in the
 * server's environment) makes `track_event` fail like an ingestion outage, so the workflow's
 * compensation can be seen.
 */
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

const events: { event: string; userId: number }[] = [];

await serve({
  name: 'analytics',
  setup(server) {
    server.registerTool(
      'track_event',
      {
        description: 'Record a product analytics event',
        inputSchema: z.object({
          event: z.string(),
          userId: z.number().int(),
          properties: z.record(z.string(), z.unknown()).optional(),
          simulateOutage: z.boolean().optional(),
        }),
        outputSchema: z.object({ eventId: z.string(), event: z.string() }),
      },
      ({ event, userId, simulateOutage }) => {
        if (simulateOutage || process.env.ANALYTICS_DOWN === '1')
          return fail('analytics: ingestion unavailable');
        events.push({ event, userId });
        return ok({ eventId: `evt-${events.length}`, event });
      },
    );
  },
});
