/**
 * The contract every `DurableRuntime` keeps, run for each implementation (the SQLite runtime now; the
 * Restate runtime joins the list when it exists). "Reopening" a store is what a restarted hub does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HubError } from '../errors.ts';
import { type DurableRuntime, InFlightError, type RunRecord } from './durable.ts';
import { SqliteRuntime } from './sqlite-runtime.ts';

/** A store that can be opened again after the previous opener went away. */
interface Store {
  reopen(): DurableRuntime & { close(): void };
}

const dir = mkdtempSync(join(tmpdir(), 'toolmesh-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const implementations: { name: string; store(): Store }[] = [
  {
    name: 'sqlite (synchronous FULL)',
    store: () => {
      const file = join(dir, `full-${files++}.db`);
      return { reopen: () => new SqliteRuntime(file) };
    },
  },
  {
    name: 'sqlite (synchronous NORMAL)',
    store: () => {
      const file = join(dir, `normal-${files++}.db`);
      return { reopen: () => new SqliteRuntime(file, { synchronous: 'NORMAL' }) };
    },
  },
];

const record = (id: string): RunRecord => ({
  id,
  workflow: 'w',
  file: 'w.yaml',
  source: 'name: w',
  inputs: { n: 1 },
});
const live = { idempotent: false, signal: new AbortController().signal };

for (const { name, store } of implementations) {
  describe(`durable runtime contract: ${name}`, () => {
    it('runs a step once and returns its journaled value afterwards, also after a restart', async () => {
      const s = store();
      let calls = 0;
      const first = s.reopen();
      const journal = await first.open(record('r1'));
      assert.deepEqual(await journal.step('a', live, async () => ({ v: ++calls })), { v: 1 });
      assert.deepEqual(await journal.step('a', live, async () => ({ v: ++calls })), { v: 1 });
      first.close();
      const second = s.reopen();
      assert.deepEqual(
        await (await second.open(record('r1'))).step('a', live, async () => ({ v: ++calls })),
        {
          v: 1,
        },
      );
      assert.equal(calls, 1);
      second.close();
    });

    it('journals a failure and rethrows it as the same HubError without calling again', async () => {
      const runtime = store().reopen();
      const journal = await runtime.open(record('r2'));
      const boom = new HubError('UPSTREAM_TIMEOUT', 'too slow', { server: 'slow' });
      await assert.rejects(
        journal.step('a', live, () => Promise.reject(boom)),
        boom,
      );
      await assert.rejects(
        journal.step('a', live, () => assert.fail('not called again')),
        (error: unknown) =>
          HubError.is(error) &&
          error.code === 'UPSTREAM_TIMEOUT' &&
          error.message === 'too slow' &&
          error.server === 'slow',
      );
      runtime.close();
    });

    it('leaves a step that failed after an abort in flight, re-run only if idempotent; keeps a value that arrived', async () => {
      const s = store();
      const first = s.reopen();
      const abort = new AbortController();
      const interrupted = await first.open(record('r3'));
      const pending = interrupted.step('a', { idempotent: false, signal: abort.signal }, async () => {
        abort.abort();
        throw new Error('interrupted');
      });
      await assert.rejects(pending, /interrupted/);
      const pendingB = interrupted.step('b', { idempotent: true, signal: abort.signal }, async () => 'late');
      assert.equal(await pendingB, 'late');
      first.close();
      const second = s.reopen();
      const journal = await second.open(record('r3'));
      await assert.rejects(
        journal.step('a', live, async () => 'again'),
        (e: unknown) => e instanceof InFlightError && e.key === 'a',
      );
      assert.equal(
        await journal.step('b', live, async () => 'again'),
        'late',
        'the value that arrived was kept',
      );
      await (await second.open(record('r4')))
        .step('c', { idempotent: true, signal: AbortSignal.abort() }, () => Promise.reject(new Error('x')))
        .catch(() => {});
      assert.equal(
        await (await second.open(record('r4'))).step('c', { ...live, idempotent: true }, async () => 'again'),
        'again',
        'an idempotent step in flight runs again',
      );
      second.close();
    });

    it('lists unfinished runs with their stored record until they finish', async () => {
      const runtime = store().reopen();
      await runtime.open(record('x'));
      await runtime.open({ ...record('y'), source: 'name: y' });
      await runtime.open({ ...record('x'), source: 'changed' }); // an existing run keeps its record
      assert.deepEqual(
        runtime.unfinished().map((run) => [run.id, run.source, run.inputs]),
        [
          ['x', 'name: w', { n: 1 }],
          ['y', 'name: y', { n: 1 }],
        ],
      );
      await (await runtime.open(record('x'))).finish({ status: 'succeeded', outputs: {} });
      await (await runtime.open(record('y'))).finish({ status: 'needs-decision', error: 'decide' });
      assert.deepEqual(runtime.unfinished(), []);
      runtime.close();
    });
  });
}

describe('SqliteRuntime', () => {
  it('refuses a journal another runtime holds, and opens it once that one closed', () => {
    const file = join(dir, 'locked.db');
    const owner = new SqliteRuntime(file);
    assert.throws(
      () => new SqliteRuntime(file),
      /workflow journal .*locked\.db is in use by another process/,
    );
    owner.close();
    new SqliteRuntime(file).close();
  });
});
