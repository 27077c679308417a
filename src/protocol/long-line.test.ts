import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeLongLine } from './long-line.ts';

const FILLER = 'x'.repeat(300);

describe('summarizeLongLine', () => {
  it('reads the id of a response from its first keys, or from its last key (where the SDK writes it)', () => {
    assert.deepEqual(summarizeLongLine('{"jsonrpc":"2.0","id":7,"result":{"content":[', '"}]}}'), {
      id: 7,
      carries: 'response',
    });
    assert.deepEqual(
      summarizeLongLine(
        `{"result":{"content":[{"text":"${FILLER}`,
        `${FILLER}"}]},"jsonrpc":"2.0","id":"call-9"}\r`,
      ),
      {
        id: 'call-9',
        carries: 'response',
      },
    );
    assert.deepEqual(summarizeLongLine('{ "error" : {"code":1,"message":"', '"}, "id" : 12 }'), {
      id: 12,
      carries: 'response',
    });
  });

  it('tells a request from a response, and its id', () => {
    assert.deepEqual(
      summarizeLongLine('{"jsonrpc":"2.0","id":3,"method":"sampling/createMessage","params":{', '}}'),
      {
        id: 3,
        carries: 'request',
      },
    );
    assert.deepEqual(
      summarizeLongLine('{"method":"tools/call","params":{"arguments":{"a":"', '"}},"jsonrpc":"2.0","id":4}'),
      {
        id: 4,
        carries: 'request',
      },
    );
  });

  it('never takes a nested id, and says nothing it cannot be sure of', () => {
    // An id inside the result, and one closing a nested object: neither is the message's.
    assert.deepEqual(summarizeLongLine('{"result":{"items":[{"id":5,"name":"', '","id":6}]}}'), {
      carries: 'response',
    });
    assert.deepEqual(summarizeLongLine('{"result":{"items":[{"id":5,"name":"', '"text":"\\"id\\":6}"}'), {
      carries: 'response',
    });
    // Keys in an order no writer uses, no JSON at all, or an id JSON-RPC does not allow.
    assert.deepEqual(summarizeLongLine('{"params":{"a":1},"method":"x","id":1', '}'), {});
    assert.deepEqual(summarizeLongLine('aaaaaaaa', 'aaaa'), {});
    assert.deepEqual(summarizeLongLine('{"id":1.5,"result":{', '}}'), {});
  });
});
