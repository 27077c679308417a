import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import { withoutPerHopMeta } from './request-context.ts';

describe('withoutPerHopMeta', () => {
  const info = { name: 'upstream', version: '1' };

  it("drops the upstream's serverInfo and keeps the rest of _meta", () => {
    const result = { content: [], _meta: { [SERVER_INFO_META_KEY]: info, trace: 'x' } };
    assert.deepEqual(withoutPerHopMeta(result), { content: [], _meta: { trace: 'x' } });
  });

  it('drops a _meta that held only the serverInfo, rather than leaving it empty', () => {
    const result = { content: [], _meta: { [SERVER_INFO_META_KEY]: info } };
    assert.deepEqual(withoutPerHopMeta(result), { content: [] });
  });

  it('leaves a result without serverInfo as it is', () => {
    const result = { content: [], _meta: {} };
    assert.equal(withoutPerHopMeta(result), result);
  });
});
