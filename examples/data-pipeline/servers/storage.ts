/** The object store of the pipeline example: buckets in memory, etags from the content. */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { fail, ok, serve } from '../../_shared/tools.ts';

const objects = new Map<string, string>();
const uriOf = (bucket: string, key: string) => `mem://${bucket}/${key}`;
const etag = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 16);
const location = { bucket: z.string().min(1), key: z.string().min(1) };
const stored = z.object({ uri: z.string(), bytes: z.number().int(), etag: z.string() });

await serve({
  name: 'storage',
  setup(server) {
    server.registerTool(
      'put_object',
      {
        description: 'Store an object (JSON values are stored as JSON text)',
        inputSchema: z.object({ ...location, body: z.unknown() }),
        outputSchema: stored,
        annotations: { idempotentHint: true },
      },
      ({ bucket, key, body }) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        objects.set(uriOf(bucket, key), text);
        return ok({ uri: uriOf(bucket, key), bytes: Buffer.byteLength(text), etag: etag(text) });
      },
    );
    server.registerTool(
      'get_object',
      {
        description: 'Read an object',
        inputSchema: z.object(location),
        outputSchema: z.object({ uri: z.string(), body: z.string() }),
        annotations: { readOnlyHint: true },
      },
      ({ bucket, key }) => {
        const body = objects.get(uriOf(bucket, key));
        return body === undefined
          ? fail(`storage: no object ${uriOf(bucket, key)}`)
          : ok({ uri: uriOf(bucket, key), body });
      },
    );
    server.registerTool(
      'list_objects',
      {
        description: 'The objects of a bucket, optionally under a prefix',
        inputSchema: z.object({ bucket: z.string(), prefix: z.string().optional() }),
        outputSchema: z.object({ uris: z.array(z.string()) }),
        annotations: { readOnlyHint: true },
      },
      ({ bucket, prefix }) =>
        ok({ uris: [...objects.keys()].filter((uri) => uri.startsWith(uriOf(bucket, prefix ?? ''))).sort() }),
    );
    server.registerTool(
      'delete_object',
      {
        description: 'Delete an object (no error if it is already gone)',
        inputSchema: z.object(location),
        outputSchema: z.object({ uri: z.string(), deleted: z.boolean() }),
        annotations: { destructiveHint: true, idempotentHint: true },
      },
      ({ bucket, key }) => ok({ uri: uriOf(bucket, key), deleted: objects.delete(uriOf(bucket, key)) }),
    );
  },
});
