/** The user database of the onboarding example: users live in memory, ids count up from 1 per process. */
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

interface User {
  id: number;
  email: string;
  name: string;
}
// Module level: every connection gets its own McpServer instance, but they share one database.
const users = new Map<number, User>();
let nextId = 1;

const user = { id: z.number().int(), email: z.string(), name: z.string() };

await serve({
  name: 'db',
  setup(server) {
    server.registerTool(
      'create_user',
      {
        description: 'Create a user account; fails when the email is taken',
        inputSchema: z.object({ email: z.email(), name: z.string().min(1) }),
        outputSchema: z.object(user),
      },
      ({ email, name }) => {
        if ([...users.values()].some((u) => u.email === email))
          return fail(`db: ${email} is already registered`);
        const created = { id: nextId++, email, name };
        users.set(created.id, created);
        return ok(created);
      },
    );
    server.registerTool(
      'delete_user',
      {
        description: 'Delete a user account (no error if it is already gone)',
        inputSchema: z.object({ id: z.number().int() }),
        outputSchema: z.object({ id: z.number().int(), deleted: z.boolean() }),
        annotations: { destructiveHint: true, idempotentHint: true },
      },
      ({ id }) => ok({ id, deleted: users.delete(id) }),
    );
    server.registerTool(
      'get_user',
      {
        description: 'Look a user up by email',
        inputSchema: z.object({ email: z.string() }),
        outputSchema: z.object({ found: z.boolean(), user: z.object(user).optional() }),
        annotations: { readOnlyHint: true },
      },
      ({ email }) => {
        const found = [...users.values()].find((u) => u.email === email);
        return ok(found ? { found: true, user: found } : { found: false });
      },
    );
  },
});
