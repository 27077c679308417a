import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tool } from '@modelcontextprotocol/client';
import { EMPTY_LISTS } from '../upstream/lists.ts';
import { buildCatalog } from './catalog.ts';
import { searchTools, tokenize } from './search.ts';

function tool(name: string, description: string, args: Record<string, string> = {}): Tool {
  const properties = Object.fromEntries(
    Object.entries(args).map(([k, d]) => [k, { type: 'string', description: d }]),
  );
  return { name, description, inputSchema: { type: 'object', properties } };
}

const catalog = buildCatalog([
  {
    name: 'mail',
    prefix: true,
    lists: {
      ...EMPTY_LISTS,
      tools: [
        tool('sendEmail', 'Send an email message', { recipient: 'Who gets it' }),
        tool('list_inbox', 'List received messages'),
      ],
    },
  },
  {
    name: 'files',
    prefix: true,
    lists: {
      ...EMPTY_LISTS,
      tools: [
        tool('read-file', 'Read a file from disk'),
        tool('write_file', 'Write text into a file', { path: 'Where' }),
      ],
    },
  },
]);

describe('tool search', () => {
  it('splits snake_case, camelCase, kebab-case and digits into words', () => {
    assert.deepEqual(tokenize('sendEmail list_inbox read-file'), [
      'send',
      'email',
      'list',
      'inbox',
      'read',
      'file',
    ]);
    assert.deepEqual(tokenize('HTTPServer v2beta'), ['http', 'server', 'v', '2', 'beta']);
  });

  it('ranks by name, description and argument words, stemmed', () => {
    assert.equal(searchTools(catalog, 'sending emails', 3)[0]?.name, 'mail__sendEmail');
    assert.equal(searchTools(catalog, 'read a file', 3)[0]?.name, 'files__read-file');
    assert.equal(searchTools(catalog, 'recipient', 3)[0]?.name, 'mail__sendEmail'); // argument name
    assert.equal(searchTools(catalog, 'received', 3)[0]?.name, 'mail__list_inbox');
  });

  it('returns at most limit hits, with server and description, and nothing for unknown words', () => {
    const hits = searchTools(catalog, 'file', 1);
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.server, 'files');
    assert.ok(hits[0]?.description);
    assert.deepEqual(searchTools(catalog, 'zebra', 5), []);
    assert.deepEqual(searchTools(catalog, 'the of and', 5), []); // stop words only
  });
});
