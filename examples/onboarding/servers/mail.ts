/**
 * The mail service of the onboarding example. Mail goes to an outbox first (as with a provider's
 * scheduled send), so a welcome mail can still be cancelled when the onboarding is rolled back.
 */
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

const outbox = new Map<string, { to: string; subject: string; status: 'queued' | 'cancelled' }>();
let sent = 0;

const message = { messageId: z.string(), to: z.string(), status: z.enum(['queued', 'cancelled']) };

await serve({
  name: 'mail',
  setup(server) {
    server.registerTool(
      'send_welcome',
      {
        description: 'Queue the welcome mail for a new user',
        inputSchema: z.object({ to: z.email(), name: z.string(), userId: z.number().int() }),
        outputSchema: z.object(message),
      },
      ({ to, name }) => {
        const messageId = `msg-${++sent}`;
        outbox.set(messageId, { to, subject: `Welcome, ${name}!`, status: 'queued' });
        return ok({ messageId, to, status: 'queued' });
      },
    );
    server.registerTool(
      'cancel_message',
      {
        description: 'Cancel a queued mail before it is delivered',
        inputSchema: z.object({ messageId: z.string() }),
        outputSchema: z.object(message),
        annotations: { idempotentHint: true },
      },
      ({ messageId }) => {
        const mail = outbox.get(messageId);
        if (!mail) return fail(`mail: no message ${messageId}`);
        mail.status = 'cancelled';
        return ok({ messageId, to: mail.to, status: mail.status });
      },
    );
    server.registerTool(
      'get_message',
      {
        description: 'The state of a mail in the outbox',
        inputSchema: z.object({ messageId: z.string() }),
        outputSchema: z.object(message),
        annotations: { readOnlyHint: true },
      },
      ({ messageId }) => {
        const mail = outbox.get(messageId);
        return mail
          ? ok({ messageId, to: mail.to, status: mail.status })
          : fail(`mail: no message ${messageId}`);
      },
    );
  },
});
