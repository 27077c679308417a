/**
 * HTTP upstreams (fixtures served over Streamable HTTP by the SDK, reached at both protocol eras) that
 * answer over 10 MiB (the security note's bad inputs 53 and 54) or stop in the middle of a call (37): the
 * call fails at once with an error naming the server, as with a stdio server, instead of the hub taking
 * the answer whole or waiting out the call's timeout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { HubError } from '../src/errors.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { type HttpFixture, startHttpFixture } from './fixtures/spawn.ts';

/** The eras the servers are reached at, by server name. */

const ERAS = { big25: '2025-11-25', big26: '2026-07-28' } as const;
const SLOW_ERAS = { slow25: '2025-11-25', slow26: '2026-07-28' } as const;

describe('an HTTP upstream answering over 10 MiB', () => {
  let big: HttpFixture;
  let testHub: TestHub;

  before(async () => {
    big = await startHttpFixture('big');
    const servers = Object.entries(ERAS).map(([name, protocol]) => ({ name, url: big.url, protocol }));
    testHub = await createTestHub(servers);
  });

  after(async () => {
    await testHub?.close();
    await big?.stop();
  });

  const callBig = (server: string, kb: number) =>
    testHub.hub.call({
      method: 'tools/call',
      params: { name: `${server}__big`, arguments: { kb } },
      signal: AbortSignal.timeout(30_000),
    }) as Promise<CallToolResult>;

  for (const [server, era] of Object.entries(ERAS)) {
    it(`fails the call naming the server, and serves on (${era})`, async () => {
      const error = await callBig(server, 10 * 1024 + 64).then(
        (result) => assert.fail(`took an answer of ${JSON.stringify(result).length} characters`),
        (reason: unknown) => reason,
      );
      assert.ok(HubError.is(error), String(error));
      assert.equal(error.code, 'UPSTREAM_ERROR');
      assert.equal(error.server, server);
      assert.match(error.message, /over 10 MiB and was dropped/);
      const small = await callBig(server, 1);
      assert.equal((small.content[0] as { text: string }).text.length, 1024);
    });
  }
});

describe('an HTTP upstream that stops in the middle of a call', () => {
  for (const [server, protocol] of Object.entries(SLOW_ERAS)) {
    it(`fails the call at once, naming the server, not at its timeout (${protocol})`, async () => {
      const slow = await startHttpFixture('slow');
      const testHub = await createTestHub([{ name: server, url: slow.url, protocol }]);
      try {
        let killed = false;
        const pending = testHub.hub.call({
          method: 'tools/call',
          params: { name: `${server}__sleep`, arguments: { ms: 60_000 } },
          // Before the fix the call waited for the hub's 60 s timeout; this ends it sooner, as CANCELLED.
          signal: AbortSignal.timeout(20_000),
          // Killed at its first progress, with its event stream open, as a crash would.
          onprogress: () => {
            if (!killed) process.kill(slow.pid, 'SIGKILL');
            killed = true;
          },
        });
        const error = await pending.then(
          () => assert.fail('the call resolved'),
          (reason: unknown) => reason,
        );
        assert.ok(HubError.is(error), String(error));
        assert.equal(error.code, 'UPSTREAM_UNAVAILABLE', error.message);
        assert.equal(error.server, server);
        assert.match(error.message, /ended the request's stream before answering/);
      } finally {
        await testHub.close();
        await slow.stop();
      }
    });
  }
});
