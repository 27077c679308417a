/**
 * Local full-text search over the tool catalog, for clients that cannot take the whole list. MiniSearch
 * ranks with BM25 (its BM25+ variant) over four fields: the served name, the title, the description and
 * the arguments (names and descriptions). No network and no external service.
 */
import type { Tool } from '@modelcontextprotocol/client';
import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';
import type { Catalog } from './catalog.ts';

/** One hit: the served name, where it comes from, and a short description. */
export interface SearchHit {
  name: string;
  server: string;
  title?: string;
  description: string;
  score: number;
}

interface Doc {
  id: string;
  server: string;
  name: string;
  title: string;
  description: string;
  args: string;
}

// Words that carry no meaning in a request for a tool; without them "how do I ..." ranks on what matters.
const STOP_WORDS = new Set(
  'a an and are as at be by can do for from how i in into is it me my of on or our please that the this to us we what which with you your'.split(
    ' ',
  ),
);

/**
 * Words of `text`, lower case: `create_issue`, `createIssue`, `create-issue` and `create issue` all give
 * `create`, `issue`. Letters and digits are split too (`v2beta` → `v`, `2`, `beta`).
 */
export function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2') // camelCase
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2') // HTTPServer → HTTP Server
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u)
    .filter((word) => word.length > 0);
}

/** A word as indexed: stop words dropped, the rest stemmed (Porter) so "sending" finds "send". */
function processTerm(term: string): string | null {
  return STOP_WORDS.has(term) ? null : stemmer(term);
}

const indexes = new WeakMap<Catalog, MiniSearch<Doc>>();

/** The index of one catalog snapshot, built on first use (snapshots are immutable, so it never goes stale). */
function indexOf(catalog: Catalog): MiniSearch<Doc> {
  let index = indexes.get(catalog);
  if (index) return index;
  index = new MiniSearch<Doc>({
    fields: ['name', 'title', 'description', 'args'],
    storeFields: ['server'],
    tokenize,
    processTerm,
  });
  index.addAll([...catalog.tools.values()].map((entry) => toDoc(entry.name, entry.server, entry.definition)));
  indexes.set(catalog, index);
  return index;
}

function toDoc(name: string, server: string, tool: Tool): Doc {
  const properties = (tool.inputSchema?.properties ?? {}) as Record<string, { description?: unknown }>;
  const args = Object.entries(properties)
    .map(([arg, schema]) => `${arg} ${typeof schema?.description === 'string' ? schema.description : ''}`)
    .join(' ');
  return {
    id: name,
    server,
    name,
    title: tool.title ?? tool.annotations?.title ?? '',
    description: tool.description ?? '',
    args,
  };
}

/**
 * The `limit` tools of `catalog` that best match `query`, best first. A tool matches when any query word
 * (stemmed) or, for words of 4+ letters, a word starting with it, is in one of its fields; words in the
 * name and title count more than in the description, and arguments least.
 */
export function searchTools(catalog: Catalog, query: string, limit: number): SearchHit[] {
  const results = indexOf(catalog).search(query, {
    boost: { name: 1.5, title: 1.5, description: 1, args: 0.5 },
    prefix: (term) => term.length >= 4,
    combineWith: 'OR',
  });
  return results.slice(0, limit).flatMap((result) => {
    const entry = catalog.tools.get(result.id as string);
    if (!entry) return [];
    const { title, description } = entry.definition;
    return [
      {
        name: entry.name,
        server: entry.server,
        ...(title !== undefined && { title }),
        description: description ?? '',
        score: Math.round(result.score * 1000) / 1000,
      },
    ];
  });
}
