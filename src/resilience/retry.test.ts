import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveResilience } from '../config/resilience.ts';
import { HubError } from '../errors.ts';
import { markUnsent } from '../upstream/errors.ts';
import { isSafeToReplay, shouldRetry } from './retry.ts';

const tools = [
  { name: 'get', inputSchema: { type: 'object' as const }, annotations: { readOnlyHint: true } },
  { name: 'put', inputSchema: { type: 'object' as const } },
];

describe('when a request may be sent again', () => {
  it('reads, lists, prompts and completions always; tools only when configured', () => {
    const plain = resolveResilience({});
    for (const method of ['resources/read', 'prompts/get', 'completion/complete']) {
      assert.equal(isSafeToReplay(method, 'x', plain, tools), true, method);
    }
    assert.equal(
      isSafeToReplay('tools/call', 'get', plain, tools),
      false,
      'hints are not trusted by default',
    );
    assert.equal(
      isSafeToReplay('tools/call', 'put', resolveResilience({ idempotentTools: ['put'] }), tools),
      true,
    );
    const trusting = resolveResilience({ trustAnnotations: true });
    assert.equal(isSafeToReplay('tools/call', 'get', trusting, tools), true);
    assert.equal(isSafeToReplay('tools/call', 'put', trusting, tools), false);
  });

  it('retries replica failures only when replayable, and what never reached a server always', () => {
    const lost = new HubError('UPSTREAM_UNAVAILABLE', 'gone', { retryable: true });
    assert.equal(shouldRetry(lost, true), true);
    assert.equal(shouldRetry(lost, false), false, 'a non-idempotent call that was sent is never repeated');
    const unsent = markUnsent(new HubError('UPSTREAM_UNAVAILABLE', 'restarting', { retryable: true }));
    assert.equal(shouldRetry(unsent, false), true);
    const failed = markUnsent(new HubError('UPSTREAM_UNAVAILABLE', 'failed', { retryable: false }));
    assert.equal(shouldRetry(failed, true), false, 'a failed server does not come back a moment later');
    const callerError = new HubError('UPSTREAM_ERROR', 'bad', { data: { upstreamCode: -32602 } });
    assert.equal(shouldRetry(callerError, true), false);
    assert.equal(shouldRetry(new HubError('CANCELLED', 'cancelled'), true), false);
  });
});
