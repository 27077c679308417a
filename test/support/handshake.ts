/** The 2025-11-25 handshake as raw JSON-RPC messages, for tests that speak to a face without an SDK client. */

/** `initialize` with id 1, from a client of this name. */
export const initialize = (clientName: string) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: clientName, version: '1' } },
});

export const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
