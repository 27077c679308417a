/** The notification service of the pipeline example: chat, mail and paging, recorded in memory. */
import * as z from 'zod';
import { ok, serve } from '../../_shared/tools.ts';

const sent: { channel: string; kind: string; text: string }[] = [];
const receipt = z.object({ messageId: z.string(), channel: z.string() });
const record = (kind: string, channel: string, text: string) => {
  sent.push({ kind, channel, text });
  return ok({ messageId: `${kind}-${sent.length}`, channel });
};

await serve({
  name: 'notification',
  setup(server) {
    server.registerTool(
      'send_chat',
      {
        description: 'Post a message to a chat channel',
        inputSchema: z.object({ channel: z.string().startsWith('#'), text: z.string() }),
        outputSchema: receipt,
      },
      ({ channel, text }) => record('chat', channel, text),
    );
    server.registerTool(
      'send_email',
      {
        description: 'Send an email',
        inputSchema: z.object({ to: z.string(), subject: z.string(), body: z.string() }),
        outputSchema: receipt,
      },
      ({ to, subject, body }) => record('email', to, `${subject}\n\n${body}`),
    );
    server.registerTool(
      'page_oncall',
      {
        description: 'Page the on-call engineer',
        inputSchema: z.object({ severity: z.enum(['low', 'high']), summary: z.string() }),
        outputSchema: receipt,
      },
      ({ severity, summary }) => record('page', `oncall-${severity}`, summary),
    );
    server.registerTool(
      'list_sent',
      {
        description: 'Everything sent so far, oldest first',
        outputSchema: z.object({
          messages: z.array(z.object({ channel: z.string(), kind: z.string(), text: z.string() })),
        }),
        annotations: { readOnlyHint: true },
      },
      () => ok({ messages: sent }),
    );
  },
});
