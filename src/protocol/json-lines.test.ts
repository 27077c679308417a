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

  it('reads past a byte order mark at the start of a line (UTF-8 with BOM), which JSON.parse refuses', () => {
    const reader = new JsonLineReader();
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { messages, bad } = collect(
      reader,
      Buffer.concat([bom, Buffer.from('{"jsonrpc":"2.0","method":"first"}\n')]),
      Buffer.concat([bom, Buffer.from('not json\n'), bom, Buffer.from('\n')]),
    );
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'first' }]);
    assert.deepEqual(
      bad.map((line) => [line.kind, line.text]),
      [['not-json', 'not json']],
    );
  });

  it('tells the id of an answer that lacks the JSON-RPC 2.0 envelope, so its request can fail at once', () => {
    const { messages, bad } = collect(
      new JsonLineReader(),
      '{"id":7,"result":{}}\n{"jsonrpc":"1.0","id":"a","error":{}}\n{"id":8,"method":"x"}\n{"id":1.5,"result":{}}\n',
    );
    assert.deepEqual(messages, []);
    assert.deepEqual(
      bad.map(({ kind, id, carries }) => [kind, id, carries]),
      [
        ['not-jsonrpc', 7, 'response'],
        ['not-jsonrpc', 'a', 'response'],
        ['not-jsonrpc', undefined, undefined],
        ['not-jsonrpc', undefined, undefined],
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

  it('drops a line over the cap that arrives whole in one chunk, as from an in-process stream', () => {
    const reader = new JsonLineReader();
    const text = 'a'.repeat(MAX_LINE_BYTES);
    const line = JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'tools/call', params: { text } });
    const { messages, bad } = collect(reader, `${line}\n{"jsonrpc":"2.0","method":"next"}\n`);
    assert.deepEqual(bad, [{ kind: 'too-long', text: '', id: 'big', carries: 'request' }]);
    assert.deepEqual(messages, [{ jsonrpc: '2.0', method: 'next' }]);
  });

  it('reports a dropped line once it ends, with the id and kind its two ends show', () => {
    const reader = new JsonLineReader();
    const body = Buffer.alloc(MAX_LINE_BYTES / 2, 0x61);
    const head = '{"result":{"content":[{"type":"text","text":"';
    // Not reported while the line goes on: its id is at its end.
    assert.deepEqual(collect(reader, head, body, body, body).bad, []);
    const { bad, messages } = collect(
      reader,
      body,
      '"}]},"jsonrpc":"2.0","id":41}\n{"jsonrpc":"2.0","id":42,"result":{}}\n',
    );
    assert.deepEqual(bad, [{ kind: 'too-long', text: '', id: 41, carries: 'response' }]);
    assert.deepEqual(messages, [{ jsonrpc: '2.0', id: 42, result: {} }]);
  });
});

/** Resolves once this turn of the event loop is over, and with it any batch the writer held. */
const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A pipe that keeps every chunk written to it, one entry per write. */
function recorder(): { out: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { out, chunks };
}

describe('JsonLineWriter', () => {
  it('writes the lines of one turn as one chunk, and resolves once the pipe took them', async () => {
    const { out, chunks } = recorder();
    const writer = new JsonLineWriter(out);
    const first = writer.write({ jsonrpc: '2.0', method: 'a' });
    const second = writer.write({ jsonrpc: '2.0', id: 1, result: {} });
    assert.equal(first, second, 'one batch, one promise');
    assert.deepEqual(chunks, [], 'nothing is written before the turn ends');
    await first;
    assert.deepEqual(chunks, ['{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":"2.0","id":1,"result":{}}\n']);
    await writer.write({ jsonrpc: '2.0', method: 'b' });
    assert.equal(chunks.length, 2, 'the next turn is a write of its own');
  });

  it('lines written by separate callbacks of one turn share one write, as several POSTs read in a turn do', async () => {
    const { out, chunks } = recorder();
    const writer = new JsonLineWriter(out);
    const written: Promise<void>[] = [];
    // Two timers due at once run in one turn, one callback each, with Node's ticks run between them: as the
    // reads of two sockets are.
    await new Promise<void>((resolve) => {
      setTimeout(() => written.push(writer.write({ jsonrpc: '2.0', method: 'a' })), 0);
      setTimeout(() => {
        written.push(writer.write({ jsonrpc: '2.0', method: 'b' }));
        resolve();
      }, 0);
    });
    await Promise.all(written);
    assert.deepEqual(chunks, ['{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":"2.0","method":"b"}\n']);
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
    await endOfTurn();
    assert.equal(slow.listenerCount('drain'), 1);
    const second = writer.write({ jsonrpc: '2.0', method: 'second' });
    await endOfTurn();
    assert.equal(slow.listenerCount('drain'), 1, 'a later batch waits on the same drain');
    release?.();
    release?.();
    await Promise.all([first, second]);
    assert.equal(slow.listenerCount('drain'), 0);
    slow.destroy();
    await assert.rejects(writer.write({ jsonrpc: '2.0', method: 'late' }), /Not connected/);
  });

  it('writes a batch at once when the next line would take it past 1 MiB', async () => {
    const { out, chunks } = recorder();
    const writer = new JsonLineWriter(out);
    const big = (id: number) => ({ jsonrpc: '2.0' as const, id, result: { text: 'x'.repeat(600_000) } });
    const first = writer.write(big(1));
    assert.equal(chunks.length, 0);
    const second = writer.write(big(2));
    assert.equal(chunks.length, 1, 'the first batch went out before the second line joined it');
    await Promise.all([first, second]);
    assert.deepEqual(
      chunks.map((chunk) => (JSON.parse(chunk) as { id: number }).id),
      [1, 2],
    );
  });

  it('end writes what is batched before it ends the stream', async () => {
    const out = new PassThrough();
    const writer = new JsonLineWriter(out);
    void writer.write({ jsonrpc: '2.0', method: 'last' });
    writer.end();
    let text = '';
    for await (const chunk of out) text += chunk.toString();
    assert.equal(text, '{"jsonrpc":"2.0","method":"last"}\n');
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
