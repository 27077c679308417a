import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { type BadLine, JsonLineReader, JsonLineWriter, MAX_LINE_BYTES } from './json-lines.ts';

function collect(reader: JsonLineReader, ...chunks: (string | Buffer)[]) {
  const messages: JSONRPCMessage[] = [];
  const bad: BadLine[] = [];
  for (const chunk of chunks) {
    reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, {
      message: (m) => messages.push(m),
      bad: (line) => bad.push(line),
    });
  }
  return { messages, bad };
}

describe('JsonLineReader', () => {
  it('splits lines across and within chunks, and strips a trailing CR', () => {
    const reader = new JsonLineReader();
    const { messages, bad } = collect(
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
    assert.deepEqual(bad, []);
  });

  it('reports each bad line by kind, passes over blank ones, and reads on', () => {
    const reader = new JsonLineReader();
    const { messages, bad } = collect(
      reader,
      'banner: starting\n\n \r\n{not json\n{"level":"info"}\n[1]\n{"jsonrpc":"1.0","id":1}\n{"jsonrpc":"2.0","method":"ok"}\n',
    );
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'ok' }]);
    assert.deepEqual(
      bad.map((line) => [line.kind, line.text]),
      [
        ['not-json', 'banner: starting'],
        ['not-json', '{not json'],
        ['not-jsonrpc', '{"level":"info"}'],
        ['not-jsonrpc', '[1]'],
        ['not-jsonrpc', '{"jsonrpc":"1.0","id":1}'],
      ],
    );
  });

  it('keeps a partial line until its newline arrives', () => {
    const reader = new JsonLineReader();
    assert.deepEqual(collect(reader, '{"jsonrpc":"2.0",').messages, []);
    assert.deepEqual(collect(reader, '"method":"late"}\n').messages, [{ jsonrpc: '2.0', method: 'late' }]);
  });

  it('drops a line over the cap as it arrives, reports it once, and reads the line after it', () => {
    const reader = new JsonLineReader();
    const half = Buffer.alloc(MAX_LINE_BYTES / 2 + 1, 0x61);
    // Three chunks of one line, the cap crossed in the second: one report, nothing of it kept or parsed.
    const { messages, bad } = collect(reader, half, half, half, 'aaa\n{"jsonrpc":"2.0","method":"next"}\n');
    assert.deepEqual(
      bad.map((line) => line.kind),
      ['too-long'],
    );
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'next' }]);
  });
});

describe('JsonLineWriter', () => {
  it('writes one line per message', async () => {
    const out = new PassThrough();
    const writer = new JsonLineWriter(out);
    await writer.write({ jsonrpc: '2.0', method: 'a' });
    await writer.write({ jsonrpc: '2.0', id: 1, result: {} });
    assert.equal(
      out.read().toString(),
      '{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":"2.0","id":1,"result":{}}\n',
    );
  });

  it('shares one wait while the pipe is full, ends it on drain, and rejects once the pipe is gone', async () => {
    let release: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 8,
      write(_chunk, _encoding, callback) {
        release = callback;
      },
    });
    const writer = new JsonLineWriter(slow);
    const first = writer.write({ jsonrpc: '2.0', method: 'first' });
    const second = writer.write({ jsonrpc: '2.0', method: 'second' });
    assert.equal(first, second, 'both writers wait on the same drain');
    assert.equal(slow.listenerCount('drain'), 1);
    release?.();
    release?.();
    await first;
    assert.equal(slow.listenerCount('drain'), 0);
    slow.destroy();
    await assert.rejects(writer.write({ jsonrpc: '2.0', method: 'late' }), /Not connected/);
  });

  it('a message nested too deep to write fails its promise, and writes nothing', async () => {
    const out = new PassThrough();
    const writer = new JsonLineWriter(out);
    let deep: unknown = [];
    for (let level = 0; level < 200_000; level += 1) deep = [deep];
    const params = { arguments: { deep } };
    let written: Promise<void> | undefined;
    assert.doesNotThrow(() => {
      written = writer.write({ jsonrpc: '2.0', id: 1, method: 'tools/call', params });
    });
    await assert.rejects(written as Promise<void>, RangeError);
    assert.equal(out.read(), null);
  });
});
