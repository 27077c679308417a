import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { messageBody, messageJson, reusedResult } from './reused-results.ts';

/** A result that counts how often it is serialised (JSON.stringify reads the getter each time). */
function countingResult() {
  const counter = { reads: 0 };
  const result = {
    get tools() {
      counter.reads += 1;
      return [{ name: 'é "quoted"', inputSchema: { type: 'object' } }];
    },
  };
  return { result, counter };
}

const response = (id: string | number, result: object) => ({ jsonrpc: '2.0', id, result }) as JSONRPCMessage;

describe('reused results', () => {
  it('serialise a reused result once, whatever the id, as JSON.stringify would', () => {
    const { result: counted, counter } = countingResult();
    const result = reusedResult(counted);
    for (const id of [1, 'two', 3]) {
      const message = response(id, result);
      assert.equal(messageJson(message), JSON.stringify(message));
      const body = messageBody(message);
      assert.ok(Buffer.isBuffer(body));
      assert.equal(body.toString('utf8'), JSON.stringify(message));
    }
    // Twice per id above, for the comparisons; once in messageJson and messageBody together.
    assert.equal(counter.reads, 3 * 2 + 1);
  });

  it('serialise anything else each time, as it is', () => {
    const { result, counter } = countingResult();
    const messages: JSONRPCMessage[] = [
      response(1, result),
      response(2, result),
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed' },
      { jsonrpc: '2.0', id: 3, error: { code: -32602, message: 'Invalid cursor' } },
    ];
    for (const message of messages) {
      assert.equal(messageJson(message), JSON.stringify(message));
      assert.equal(messageBody(message), JSON.stringify(message));
    }
    assert.equal(counter.reads, 2 * 2 * 2);
  });
});
