import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { JsonLineReader, MAX_LINE_BYTES } from './json-lines.ts';

function collect(
  reader: JsonLineReader,
  ...chunks: string[]
): { messages: JSONRPCMessage[]; errors: Error[] } {
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  for (const chunk of chunks) {
    reader.push(
      Buffer.from(chunk),
      (m) => messages.push(m),
      (e) => errors.push(e),
    );
  }
  return { messages, errors };
}

describe('JsonLineReader', () => {
  it('splits lines across and within chunks, and strips a trailing CR', () => {
    const reader = new JsonLineReader();
    const { messages, errors } = collect(
      reader,
      '{"jsonrpc":"2.0","id":1,"res',
      'ult":{}}\r\n{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":',
      '"2.0","id":2,"error":{"code":1,"message":"x"}}\n',
    );
    assert.deepEqual(messages, [
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', method: 'a' },
      { jsonrpc: '2.0', id: 2, error: { code: 1, message: 'x' } },
    ]);
    assert.deepEqual(errors, []);
  });

  it('skips lines that are not JSON silently, and reports JSON that is not JSON-RPC', () => {
    const reader = new JsonLineReader();
    const { messages, errors } = collect(
      reader,
      'banner: starting\n{not json\n{"level":"info"}\n[1]\n{"jsonrpc":"2.0","method":"ok"}\n',
    );
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'ok' }]);
    assert.equal(errors.length, 2);
  });

  it('keeps a partial line until its newline arrives', () => {
    const reader = new JsonLineReader();
    assert.deepEqual(collect(reader, '{"jsonrpc":"2.0",').messages, []);
    assert.deepEqual(collect(reader, '"method":"late"}\n').messages, [{ jsonrpc: '2.0', method: 'late' }]);
  });

  it('throws for a line over the cap and then reads the next lines', () => {
    const reader = new JsonLineReader();
    const big = Buffer.alloc(MAX_LINE_BYTES + 1, 0x61);
    assert.throws(
      () =>
        reader.push(
          big,
          () => {},
          () => {},
        ),
      /maximum size/,
    );
    // The rest of the oversized line is not JSON; the line after it is read normally.
    assert.deepEqual(collect(reader, 'aaa\n{"jsonrpc":"2.0","method":"next"}\n').messages, [
      { jsonrpc: '2.0', method: 'next' },
    ]);
  });
});
