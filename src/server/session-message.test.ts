import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLegacyRequest } from '@modelcontextprotocol/server';
import { isPlainSessionMessage } from './session-message.ts';

const SESSION = { 'mcp-session-id': 'abc', 'mcp-protocol-version': '2025-11-25' };
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
};

const bodies: [string, unknown][] = [
  ['tools/call', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } }],
  ['tools/list, string id', { jsonrpc: '2.0', id: 'a', method: 'tools/list', params: { cursor: 'c' } }],
  ['ping without params', { jsonrpc: '2.0', id: 2, method: 'ping' }],
  ['notification', { jsonrpc: '2.0', method: 'notifications/initialized' }],
  ['cancellation', { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }],
  [
    'a 2025 _meta',
    { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x', _meta: { progressToken: 1 } } },
  ],
  ['modern envelope', { jsonrpc: '2.0', id: 4, method: 'tools/list', params: { _meta: MODERN_META } }],
  [
    'broken envelope',
    {
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': 7 } },
    },
  ],
  ['float id', { jsonrpc: '2.0', id: 1.5, method: 'ping' }],
  ['null id', { jsonrpc: '2.0', id: null, method: 'ping' }],
  ['params array', { jsonrpc: '2.0', id: 6, method: 'tools/list', params: [1] }],
  ['no jsonrpc', { id: 7, method: 'ping' }],
  ['response', { jsonrpc: '2.0', id: 8, result: {} }],
  ['batch', [{ jsonrpc: '2.0', id: 9, method: 'ping' }]],
  ['not an object', 42],
];
const headerSets: [string, Record<string, string>][] = [
  ['session at 2025-11-25', SESSION],
  ['session, no version header', { 'mcp-session-id': 'abc' }],
  ['session with a 2026 version header', { 'mcp-session-id': 'abc', 'mcp-protocol-version': '2026-07-28' }],
  ['no session', { 'mcp-protocol-version': '2025-11-25' }],
];

describe('isPlainSessionMessage', () => {
  it('says "session message" only where the SDK classifier says legacy too', async () => {
    for (const [bodyName, body] of bodies) {
      for (const [headerName, extra] of headerSets) {
        const headers = new Headers({ 'content-type': 'application/json', ...extra });
        if (!isPlainSessionMessage(headers, body)) continue;
        const request = new Request('http://127.0.0.1/mcp', {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        assert.equal(await isLegacyRequest(request, body), true, `${bodyName} with ${headerName}`);
      }
    }
  });

  it('takes the plain messages of a session, and leaves the rest to the classifier', () => {
    const taken = (headers: Record<string, string>) =>
      bodies.filter(([, body]) => isPlainSessionMessage(new Headers(headers), body)).map(([name]) => name);
    assert.deepEqual(taken(SESSION), [
      'tools/call',
      'tools/list, string id',
      'ping without params',
      'notification',
      'cancellation',
      'a 2025 _meta',
    ]);
    assert.deepEqual(taken({ 'mcp-session-id': 'abc', 'mcp-protocol-version': '2026-07-28' }), []);
    assert.deepEqual(taken({ 'mcp-protocol-version': '2025-11-25' }), []);
  });
});
