/**
 * The admin API and `/metrics` on the HTTP face: JSON about the running hub, behind the same DNS-rebinding
 * defence as `/mcp`.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isLoopback } from '../src/server/admin/guard.ts';
import { serveHttp } from '../src/server/http.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

/** A GET with a chosen Host header (fetch does not let a caller set Host). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('admin API and metrics', () => {
  let testHub: TestHub;
  let base: string;

  before(async () => {
    testHub = await createTestHub(
      [
        { name: 'echo', command: nodeBin, args: [fixturePath('echo'), '--stdio'] },
        { name: 'off', command: nodeBin, args: [fixturePath('echo'), '--stdio'], enabled: false },
      ],
      { http: true },
    );
    base = `http://127.0.0.1:${testHub.http?.port}`;
  });
  after(() => testHub.close());

  it('lists servers with their state and tool counts', async () => {
    const { status, body } = await get(`${base}/api/v1/servers`);
    assert.equal(status, 200);
    const { servers } = JSON.parse(body) as { servers: { name: string; state: string; tools: number }[] };
    const echo = servers.find((server) => server.name === 'echo');
    assert.equal(echo?.state, 'ready');
    assert.ok((echo?.tools ?? 0) > 0);
    assert.equal(servers.find((server) => server.name === 'off')?.state, 'disabled');
  });

  it('answers one server by name, and 404 with a code for an unknown one', async () => {
    const one = await get(`${base}/api/v1/servers/echo`);
    assert.equal(JSON.parse(one.body).name, 'echo');
    const missing = await get(`${base}/api/v1/servers/nope`);
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).error.code, 'UNKNOWN_SERVER');
    const unknownPath = await get(`${base}/api/v1/nothing-here`);
    assert.equal(unknownPath.status, 404);
    assert.equal(JSON.parse(unknownPath.body).error.code, 'NOT_FOUND');
  });

  it('refuses a foreign Host or Origin, as /mcp does', async () => {
    assert.equal((await get(`${base}/api/v1/servers`, { host: 'evil.example.com' })).status, 403);
    assert.equal((await get(`${base}/api/v1/servers`, { origin: 'http://evil.example.com' })).status, 403);
  });

  it('accepts the extra names of listen.allowedHosts, and still refuses others', async () => {
    const face = await serveHttp(testHub.hub, { host: '127.0.0.1', port: 0, allowedHosts: ['hub.example'] });
    try {
      const url = `http://127.0.0.1:${face.port}/api/v1/servers`;
      assert.equal((await get(url, { host: `hub.example:${face.port}` })).status, 200);
      assert.equal((await get(url, { origin: 'http://hub.example' })).status, 200);
      assert.equal((await get(url, { host: 'evil.example' })).status, 403);
    } finally {
      await face.close();
    }
  });

  it('with TOOLMESH_ADMIN_TOKEN, wants the bearer token on every admin request', async () => {
    const face = await serveHttp(testHub.hub, { host: '127.0.0.1', port: 0, adminToken: 's3cret' });
    try {
      const url = `http://127.0.0.1:${face.port}/api/v1/servers`;
      const refused = await get(url);
      assert.equal(refused.status, 401);
      assert.equal(JSON.parse(refused.body).error.code, 'UNAUTHORIZED');
      assert.equal((await get(url, { authorization: 'Bearer wrong!' })).status, 401);
      assert.equal((await get(url, { authorization: 'Bearer s3cret' })).status, 200);
    } finally {
      await face.close();
    }
  });

  it('without a token, takes changes from loopback peers only', async () => {
    // A change from this machine passes the guard (and meets the catch-all 404, not a 403).
    const change = await fetch(`${base}/api/v1/nothing-here`, { method: 'POST' });
    assert.equal(change.status, 404);
    for (const address of ['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1'])
      assert.ok(isLoopback(address));
    for (const address of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', 'fe80::1', undefined])
      assert.ok(!isLoopback(address), String(address));
  });

  it('serves Prometheus metrics', async () => {
    const { status, body } = await get(`${base}/metrics`);
    assert.equal(status, 200);
    assert.match(body, /^# HELP toolmesh_process_/m);
  });
});
