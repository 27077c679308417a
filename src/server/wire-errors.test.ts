import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../errors.ts';
import { toWireError } from './wire-errors.ts';

describe('toWireError', () => {
  it('maps an unknown tool to -32602 with data.code', () => {
    const wire = toWireError(new HubError('UNKNOWN_TOOL', 'unknown tool: x', { data: { name: 'x' } }));
    assert.equal(wire.code, -32602);
    assert.deepEqual(wire.data, { code: 'UNKNOWN_TOOL', retryable: false, name: 'x' });
  });

  it('names the server of an unavailable upstream', () => {
    const wire = toWireError(new HubError('UPSTREAM_UNAVAILABLE', 'down', { server: 'db', retryable: true }));
    assert.equal(wire.code, -32004);
    assert.deepEqual(wire.data, { code: 'UPSTREAM_UNAVAILABLE', retryable: true, server: 'db' });
  });

  it("keeps an upstream's own error code and message", () => {
    const error = new HubError('UPSTREAM_ERROR', 'flaky failure 3', {
      server: 'flaky',
      data: { upstreamCode: -32603, upstreamData: { detail: 1 } },
    });
    const wire = toWireError(error);
    assert.equal(wire.code, -32603);
    assert.equal(wire.message, 'flaky failure 3');
    assert.deepEqual(wire.data, { server: 'flaky', detail: 1 });
    const bare = toWireError(
      new HubError('UPSTREAM_ERROR', 'x', { server: 'flaky', data: { upstreamCode: -32000 } }),
    );
    assert.equal(bare.code, -32000);
    assert.deepEqual(bare.data, { code: 'UPSTREAM_ERROR', retryable: false, server: 'flaky' });
  });

  it('hides the details of anything that is not a HubError', () => {
    const wire = toWireError(new Error('secret path /etc/x'));
    assert.equal(wire.code, -32603);
    assert.equal(wire.message, 'internal error');
  });
});
