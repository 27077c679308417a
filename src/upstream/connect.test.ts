import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterMs } from './connect.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');

  it('reads seconds and HTTP dates, a date in the past as no wait', () => {
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
    assert.equal(retryAfterMs('Sat, 05 Dec 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Sat, 05 Dec 2026 09:00:00 GMT', now), 0);
  });

  it('is undefined when absent or unreadable', () => {
    for (const value of [null, '', 'soon', '-5', '1.5'])
      assert.equal(retryAfterMs(value, now), undefined, String(value));
  });
});
