/**
 * The cap on an HTTP upstream's answers: what passes is passed byte for byte, however the body is cut into
 * chunks; a JSON body or an SSE event over 10 MiB is dropped, and replaced by an error answer when its ends
 * show which request it answered, or told of when it was a request of the server's own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStreamLost, limitedBody, RESPONSE_TOO_LARGE } from './response-limit.ts';

const encoder = new TextEncoder();
const OVER = 10 * 1024 * 1024 + 1024;

/** A stream of `text`'s bytes cut at `cuts` (byte offsets), or into pieces of `size` bytes. */
function streamOf(text: string, cut: number[] | { size: number }): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const ends = Array.isArray(cut)
    ? [...cut, bytes.length]
    : Array.from({ length: Math.ceil(bytes.length / cut.size) }, (_, i) =>
        Math.min((i + 1) * cut.size, bytes.length),
      );
  let start = 0;
  const chunks = ends.map((end) => {
    const chunk = bytes.subarray(start, end);
    start = end;
    return chunk;
  });
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

const read = (body: ReadableStream<Uint8Array>) => new Response(body).text();
const sse = (headers: Record<string, string> = {}) =>
  new Headers({ 'content-type': 'text/event-stream', ...headers });

/** A result of `size` characters as the SDK writes it: `result` first, `jsonrpc` and `id` last. */
const bigResult = (id: number, size: number) =>
  `{"result":{"content":[{"type":"text","text":"${'x'.repeat(size)}"}]},"jsonrpc":"2.0","id":${id}}`;
const errorFor = (id: number) =>
  JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: RESPONSE_TOO_LARGE } });

describe('limitedBody on an event stream', () => {
  const events = [
    'event: message\nid: a_1\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n',
    ': keep-alive\n\n',
    'data: {"jsonrpc":"2.0",\ndata: "id":1,"result":{}}\n\n',
  ];

  it('passes small events through unchanged at every cut, with LF, CRLF and CR line ends', async () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const text = events.join('').replaceAll('\n', end);
      for (let cut = 0; cut <= text.length; cut++) {
        assert.equal(await read(limitedBody(streamOf(text, [cut]), sse())), text, `cut at ${cut}`);
      }
      assert.equal(await read(limitedBody(streamOf(text, { size: 1 }), sse())), text);
    }
  });

  it('replaces an event over 10 MiB that answered a request with an error for that request', async () => {
    const text = `${events[0]}event: message\ndata: ${bigResult(7, OVER)}\n\n${events[2]}`;
    const out = await read(limitedBody(streamOf(text, { size: 64 * 1024 }), sse()));
    assert.equal(out, `${events[0]}event: message\ndata: ${errorFor(7)}\n\n${events[2]}`);
  });

  it('drops an event over 10 MiB that answered nothing, and one the stream ended inside', async () => {
    const notification = `data: {"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${'y'.repeat(OVER)}"}}\n\n`;
    assert.equal(
      await read(limitedBody(streamOf(`${notification}${events[2]}`, { size: 65_536 }), sse())),
      events[2],
    );
    const unended = `${events[0]}data: ${bigResult(9, OVER)}`;
    const out = await read(limitedBody(streamOf(unended, { size: 65_536 }), sse()));
    assert.equal(out, `${events[0]}event: message\ndata: ${errorFor(9)}\n\n`);
  });

  it("tells of a request of the server's own over 10 MiB by its id, and drops it", async () => {
    const request = `{"method":"sampling/createMessage","params":{"messages":"${'z'.repeat(OVER)}"},"jsonrpc":"2.0","id":"s-4"}`;
    const dropped: unknown[] = [];
    const body = limitedBody(
      streamOf(`data: ${request}\n\n${events[2]}`, { size: 65_536 }),
      sse(),
      undefined,
      (id) => dropped.push(id),
    );
    assert.equal(await read(body), events[2]);
    assert.deepEqual(dropped, ['s-4']);
  });

  it('drops an event over 10 MiB that came in one chunk', async () => {
    const text = `data: ${bigResult(3, OVER)}\n\n${events[2]}`;
    const out = await read(limitedBody(streamOf(text, []), sse()));
    assert.equal(out, `event: message\ndata: ${errorFor(3)}\n\n${events[2]}`);
  });
});

describe("limitedBody on a request's event stream", () => {
  const sent = JSON.stringify({ method: 'tools/call', params: { name: 'slow' }, jsonrpc: '2.0', id: 12 });
  const progress =
    'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":12}}\n\n';
  const answer = 'data: {"result":{"content":[]},"jsonrpc":"2.0","id":12}\n\n';

  /** The stream's text, then the one message of the last event if it is the hub's own answer. */
  async function readLost(body: ReadableStream<Uint8Array>) {
    const text = await read(body);
    const last = text.trimEnd().split('\n\n').at(-1) ?? '';
    const message = last.startsWith('event: message\ndata: ') ? JSON.parse(last.slice(21)) : undefined;
    return { text, lost: message?.id === 12 && isStreamLost(message?.error?.data) };
  }

  it('fails the request at once when its stream ends or breaks before the answer', async () => {
    const ended = await readLost(limitedBody(streamOf(progress, [10]), sse(), sent));
    assert.ok(ended.text.startsWith(progress));
    assert.equal(ended.lost, true);
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(progress));
        controller.error(new Error('other side closed'));
      },
    });
    assert.equal((await readLost(limitedBody(broken, sse(), sent))).lost, true);
  });

  it('leaves a stream that answered, or one the SDK may resume (an event had an id), as it ended', async () => {
    const answered = await readLost(limitedBody(streamOf(progress + answer, [30]), sse(), sent));
    assert.deepEqual(answered, { text: progress + answer, lost: false });
    const primed = `id: e-1\ndata: \n\n${progress}`;
    assert.deepEqual(await readLost(limitedBody(streamOf(primed, [5]), sse(), sent)), {
      text: primed,
      lost: false,
    });
    // A stream for no request (a notification posted, the standalone GET) has nothing to fail.
    const note = JSON.stringify({ method: 'notifications/initialized', jsonrpc: '2.0' });
    assert.deepEqual(await readLost(limitedBody(streamOf(progress, []), sse(), note)), {
      text: progress,
      lost: false,
    });
  });

  it('passes on a break after the answer as the error it is', async () => {
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(encoder.encode(answer));
        else controller.error(new Error('other side closed'));
      },
    });
    await assert.rejects(read(limitedBody(broken, sse(), sent)), /other side closed/);
  });
});

describe('limitedBody on a JSON body', () => {
  const json = (headers: Record<string, string> = {}) =>
    new Headers({ 'content-type': 'application/json', ...headers });

  it('leaves a body whose Content-Length is within the cap as it is', () => {
    const body = streamOf('{}', []);
    assert.equal(limitedBody(body, json({ 'content-length': '2' })), body);
  });

  it('passes a body of unknown length within the cap unchanged', async () => {
    const text = bigResult(1, 100_000);
    assert.equal(await read(limitedBody(streamOf(text, { size: 1000 }), json())), text);
  });

  it('replaces a body over 10 MiB with an error for the request it answered, with or without its length', async () => {
    const text = bigResult(5, OVER);
    for (const headers of [{}, { 'content-length': String(encoder.encode(text).length) }] as Record<
      string,
      string
    >[]) {
      const out = await read(limitedBody(streamOf(text, { size: 65_536 }), json(headers)));
      assert.equal(out, errorFor(5));
    }
  });
});
