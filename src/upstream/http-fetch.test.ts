import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { upstreamFetch as limitedFetch } from './http-fetch.ts';
import { isRefused } from './lost-connection.ts';
import { RESPONSE_TOO_LARGE } from './response-limit.ts';

const upstreamFetch = limitedFetch();

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A loopback HTTP server whose answer each test sets; it keeps what it was sent. */
function server() {
  let handler: Handler = (_request, _body, response) => response.end();
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const http = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      handler(request, body, response);
    });
  });
  return {
    http,
    seen,
    answer: (next: Handler) => (handler = next),
    url: (path = '/mcp') => `http://127.0.0.1:${(http.address() as AddressInfo).port}${path}`,
  };
}

describe('upstreamFetch', () => {
  const upstream = server();
  before(() => new Promise<void>((resolve) => upstream.http.listen(0, '127.0.0.1', resolve)));
  after(() => new Promise<void>((resolve) => upstream.http.close(() => resolve())));

  it("sends the SDK's POST as given and reads the answer as fetch would", async () => {
    upstream.answer((_request, body, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's-1' });
      response.end(JSON.stringify({ echoed: JSON.parse(body) }));
    });
    const response = await upstreamFetch(new URL(upstream.url()), {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', authorization: 'Bearer t' }),
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      redirect: 'manual',
    });
    const seen = upstream.seen.at(-1);
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.headers.authorization, 'Bearer t');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.equal(response.status, 200);
    assert.equal(response.ok, true);
    assert.equal(response.headers.get('mcp-session-id'), 's-1');
    assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.deepEqual(await response.json(), { echoed: { jsonrpc: '2.0', id: 1, method: 'ping' } });
  });

  it('takes headers as a plain record and answers 202 and 204 without a body', async () => {
    for (const status of [202, 204]) {
      upstream.answer((_request, _body, response) => response.writeHead(status).end());
      const response = await upstreamFetch(upstream.url(), {
        method: 'POST',
        headers: { 'mcp-protocol-version': '2025-11-25' },
        body: '{}',
        redirect: 'manual',
      });
      assert.equal(response.status, status);
      assert.equal(
        response.statusText,
        status === 202 ? 'Accepted' : 'No Content',
        'the SDK quotes it in errors',
      );
      assert.equal(upstream.seen.at(-1)?.headers['mcp-protocol-version'], '2025-11-25');
      assert.equal(await response.text(), '');
    }
  });

  it('hands over an event stream as it arrives, and cancelling it closes the request', async () => {
    let closed: Promise<void> = Promise.resolve();
    let second = () => {};
    upstream.answer((_request, _body, response) => {
      closed = new Promise((resolve) => response.on('close', () => resolve()));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      second = () => response.write('data: two\n\n');
    });
    const response = await upstreamFetch(upstream.url(), { method: 'GET', redirect: 'manual' });
    const reader = response.body?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    assert.equal(
      decoder.decode((await reader.read()).value),
      'data: one\n\n',
      'the first event before the second exists',
    );
    second();
    assert.equal(decoder.decode((await reader.read()).value), 'data: two\n\n');
    await reader.cancel();
    await closed;
  });

  it('leaves a redirect to the SDK under manual, and anything else to Node’s fetch', async () => {
    upstream.answer((request, _body, response) => {
      if (request.url === '/mcp') response.writeHead(307, { location: '/mcp/' }).end();
      else response.writeHead(200, { 'content-type': 'text/plain' }).end(`at ${request.url}`);
    });
    const manual = await upstreamFetch(upstream.url(), { method: 'POST', body: 'x', redirect: 'manual' });
    assert.equal(manual.status, 307);
    assert.equal(manual.headers.get('location'), '/mcp/');
    const followed = await upstreamFetch(upstream.url(), { method: 'POST', body: 'x' });
    assert.equal(await followed.text(), 'at /mcp/');
    const form = await upstreamFetch(upstream.url('/token'), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      redirect: 'manual',
    });
    assert.equal(await form.text(), 'at /token');
    assert.equal(upstream.seen.at(-1)?.body, 'grant_type=client_credentials');
  });

  it('caps what servers answer on both routes: an event over 10 MiB becomes an error for its request', async () => {
    const big = `{"result":{"text":"${'x'.repeat(10 * 1024 * 1024)}"},"jsonrpc":"2.0","id":4}`;
    upstream.answer((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        `data: ${big}\n\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n`,
      );
    });
    const expected =
      `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 4, error: { code: -32603, message: RESPONSE_TOO_LARGE } })}\n\n` +
      'data: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n';
    // The SDK's POST goes through undici's request; the legacy SSE stream's GET through Node's fetch.
    const viaRequest = await upstreamFetch(upstream.url(), {
      method: 'POST',
      body: '{}',
      redirect: 'manual',
    });
    assert.equal(await viaRequest.text(), expected);
    const viaFetch = await upstreamFetch(upstream.url(), { method: 'GET' });
    assert.equal(await viaFetch.text(), expected);
  });

  it('fails as fetch does: refused connections carry their code, an abort its reason', async () => {
    const closedPort = server();
    await new Promise<void>((resolve) => closedPort.http.listen(0, '127.0.0.1', resolve));
    const url = closedPort.url();
    await new Promise<void>((resolve) => closedPort.http.close(() => resolve()));
    const refused = await upstreamFetch(url, { method: 'POST', body: '{}', redirect: 'manual' }).catch(
      (e) => e,
    );
    assert.ok(refused instanceof TypeError, String(refused));
    assert.equal(isRefused(refused), true);

    upstream.answer(() => {}); // never answers
    const controller = new AbortController();
    const pending = upstreamFetch(upstream.url(), {
      method: 'POST',
      body: '{}',
      redirect: 'manual',
      signal: controller.signal,
    });
    const reason = new Error('cancelled by the caller');
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(pending, (error) => error === reason);
  });
});
