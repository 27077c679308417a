/** The 2025-11-25 handshake as raw JSON-RPC messages, for tests that speak to a face without an SDK client. */

/** `initialize` with id 1, from a client of this name that declares `capabilities`. */
export const initialize = (clientName: string, capabilities: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: clientName, version: '1' } },
});

export const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/** What a Streamable HTTP client sends with every POST. */
export const POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/**
 * A new 2025-era session on the HTTP face at `url`, initialised: its id, its headers, and `post`, which
 * sends a message with them (`extra` headers override).
 */
export async function openRawSession(
  url: string,
  clientName = 'raw',
  capabilities: Record<string, unknown> = {},
) {
  const init = await fetch(url, {
    method: 'POST',
    body: JSON.stringify(initialize(clientName, capabilities)),
    headers: POST_HEADERS,
  });
  await init.text();
  const sessionId = init.headers.get('mcp-session-id') ?? '';
  const headers = { ...POST_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
  const post = (body: object, extra: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { ...headers, ...extra } });
  await (await post(INITIALIZED)).text();
  return { sessionId, headers, post };
}
