/**
 * Opening one idle MCP session the way an SDK client leaves it: initialised, its event stream open and
 * drained in the background. Raw `fetch`, not the SDK client, so that 1,000 sessions cost the driver little.
 * Each opener pushes an `AbortController` onto `streams`; aborting it closes that session's stream.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

function initializeBody(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: `idle-${id}`, version: '1' },
    },
  });
}

/** Streamable HTTP: initialize, initialized, then (with `getStream`) the standalone GET stream. */
export async function openHttpSession(
  url: string,
  id: number,
  getStream: boolean,
  streams: AbortController[],
): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: JSON_HEADERS, body: initializeBody(id) });
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  if (!sessionId) throw new Error(`no session id (HTTP ${response.status})`);
  const sessionHeaders = {
    ...JSON_HEADERS,
    'mcp-session-id': sessionId,
    'mcp-protocol-version': '2025-11-25',
  };
  await (await fetch(url, { method: 'POST', headers: sessionHeaders, body: INITIALIZED })).text();
  if (!getStream) return;
  const abort = new AbortController();
  streams.push(abort);
  // Not awaited: some servers send the GET stream's headers only with the first event (a keep-alive
  // comment 15 s later). The body is drained in the background so the stream never stalls.
  void fetch(url, {
    method: 'GET',
    headers: { ...sessionHeaders, accept: 'text/event-stream' },
    signal: abort.signal,
  })
    .then((get) => get.body?.pipeTo(new WritableStream()))
    .catch(() => {});
}

/**
 * Legacy HTTP+SSE: the GET stream names the session's POST endpoint; initialize is answered on that
 * stream, then initialized is posted. The stream stays open (it is the session).
 */
export async function openSseSession(url: string, id: number, streams: AbortController[]): Promise<void> {
  const abort = new AbortController();
  streams.push(abort);
  const get = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  if (!get.ok || !get.body) throw new Error(`SSE stream refused (HTTP ${get.status})`);
  const events = get.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  const next = async () => {
    const { value, done } = await events.read();
    if (done) throw new Error('the SSE stream ended before the session was initialised');
    return value;
  };
  const first = await next();
  if (first.event !== 'endpoint') throw new Error(`expected the endpoint event, got ${first.event}`);
  const endpoint = new URL(first.data, url);
  await (await fetch(endpoint, { method: 'POST', headers: JSON_HEADERS, body: initializeBody(id) })).text();
  for (;;) {
    const event = await next();
    if ((JSON.parse(event.data) as { id?: unknown }).id === id) break;
  }
  await (await fetch(endpoint, { method: 'POST', headers: JSON_HEADERS, body: INITIALIZED })).text();
  void (async () => {
    for (;;) if ((await events.read()).done) return;
  })().catch(() => {});
}
