/**
 * The one tool every search server of this example offers, over its own small fixed corpus: `search`
 * scores each entry by how many query words its title and text contain (title words count double), so
 * the same query always gives the same hits in the same order.
 */
import * as z from 'zod';
import { ok, serve } from '../../_shared/tools.ts';

export interface Entry {
  id: string;
  title: string;
  text: string;
}

const hit = z.object({
  source: z.string(),
  id: z.string(),
  title: z.string(),
  score: z.number().int(),
  url: z.string(),
});

const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

function score(entry: Entry, query: string[]): number {
  const title = new Set(words(entry.title));
  const text = new Set(words(entry.text));
  return query.reduce((sum, word) => sum + (title.has(word) ? 2 : 0) + (text.has(word) ? 1 : 0), 0);
}

/** Serves `search` over `corpus` as server `name`; hits link to `${baseUrl}/${id}`. */
export function serveSearch(
  name: string,
  description: string,
  baseUrl: string,
  corpus: Entry[],
): Promise<void> {
  return serve({
    name,
    setup(server) {
      server.registerTool(
        'search',
        {
          description,
          inputSchema: z.object({
            query: z.string().min(1),
            limit: z.number().int().min(1).max(50).optional(),
          }),
          outputSchema: z.object({ hits: z.array(hit) }),
          annotations: { readOnlyHint: true },
        },
        ({ query, limit }) => {
          const terms = [...new Set(words(query))];
          const hits = corpus
            .map((entry) => ({ entry, score: score(entry, terms) }))
            .filter(({ score }) => score > 0)
            .sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id))
            .slice(0, limit ?? 5)
            .map(({ entry, score }) => ({
              source: name,
              id: entry.id,
              title: entry.title,
              score,
              url: `${baseUrl}/${entry.id}`,
            }));
          return ok({ hits });
        },
      );
    },
  });
}
