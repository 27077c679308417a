// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/**
 * Through the real CLI: `toolmesh serve --stdio` serves a 20-step workflow from its config; a client calls
 * it; the hub process is killed with SIGKILL while the slow step in the middle runs, then started again on
 * the same config and store. The restarted hub resumes the run by itself; the run completes, and the
 * journal shows every step that is not idempotent executed exactly once (only the idempotent step in
 * flight ran twice).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { openRunHistory, type RunHistoryReader } from '../../src/workflows/run-history.ts';
import { stdioHub, waitFor } from '../faults/_helpers.ts';
import { fixturePath, nodeBin } from '../fixtures/spawn.ts';
import { scratchDir } from './_helpers.ts';

const scratch = scratchDir();
after(() => scratch.remove());

/** 9 echo steps, a 4 s sleep (idempotent), 10 echo steps; each step reads the one before it. */
function twentySteps(): string {
  const lines = ['name: crash', 'steps:', '  s1: { tool: echo__echo, args: { text: "1" } }'];
  for (let i = 2; i <= 9; i++) {
    lines.push(`  s${i}: { tool: echo__echo, args: { text: "\${{ steps.s${i - 1}.result.text }}.${i}" } }`);
  }
  lines.push('  nap: { tool: slow__sleep, args: { ms: 4000 }, needs: [s9], idempotent: true }');
  lines.push(
    '  s11: { tool: echo__echo, args: { text: "${{ steps.s9.result.text }}|${{ steps.nap.result }}" } }',
  );
  for (let i = 12; i <= 20; i++) {
    lines.push(`  s${i}: { tool: echo__echo, args: { text: "\${{ steps.s${i - 1}.result.text }}.${i}" } }`);
  }
  lines.push('outputs: { text: "${{ steps.s20.result.text }}" }');
  return lines.join('\n');
}

/** Reads the journal the hub writes (WAL: a second connection sees every commit). */
function readJournal<T>(db: string, read: (journal: RunHistoryReader) => T): T {
  const journal = openRunHistory(db);
  try {
    return read(journal);
  } finally {
    journal.close();
  }
}

describe('workflow crash and resume through toolmesh serve', { timeout: 120_000 }, () => {
  it('completes a run after SIGKILL mid-step, with every non-idempotent step executed once', async () => {
    const db = `${scratch.dir}/toolmesh.db`;
    const config = `${scratch.dir}/toolmesh.yaml`;
    writeFileSync(`${scratch.dir}/crash.yaml`, twentySteps());
    const server = (name: string) =>
      `  ${name}:\n    command: ${JSON.stringify(nodeBin)}\n    args: [${JSON.stringify(fixturePath(name))}, --stdio]\n`;
    writeFileSync(
      config,
      `servers:\n${server('echo')}${server('slow')}workflows: [crash.yaml]\nstore: { path: toolmesh.db }\n`,
    );

    const first = await stdioHub(config, { cwd: scratch.dir });
    const call = first.client.callTool({ name: 'crash', arguments: {} });
    call.catch(() => {}); // the connection dies with the hub
    const inFlight = () =>
      readJournal(db, (journal) => {
        const [run] = journal.list({ status: 'running' });
        const nap = run && journal.get(run.id)?.keys.find((key) => key.key === 'nap');
        return run !== undefined && nap?.status === 'started' ? run.id : undefined;
      });
    const runId = await waitFor('the slow step to be in flight', inFlight, 30_000).catch(async (error) => {
      await first.close(); // no hub (and its servers) left behind by a failed test
      throw error;
    });
    process.kill(first.pid, 'SIGKILL');
    await assert.rejects(call, 'the call cannot be answered by a killed hub');
    await first.close().catch(() => {});

    const before = readJournal(db, (journal) =>
      Object.fromEntries(journal.get(runId)?.keys.map((key) => [key.key, key.status]) ?? []),
    );
    assert.equal(before.nap, 'started', 'the kill hit the slow step in flight');
    assert.equal(before.s9, 'succeeded');
    assert.equal(before.s11, undefined);

    // The restarted hub resumes unfinished runs on its own once its servers are up.
    const second = await stdioHub(config, { cwd: scratch.dir });
    try {
      const outcome = await waitFor(
        'the resumed run to finish',
        () =>
          readJournal(db, (journal) => {
            const run = journal.get(runId);
            return run?.status !== 'running' && run;
          }),
        60_000,
        100,
      );
      assert.equal(outcome.status, 'succeeded', String(outcome.error));
      assert.deepEqual(outcome.outputs, { text: '1.2.3.4.5.6.7.8.9|slept 4000.12.13.14.15.16.17.18.19.20' });
      const history = readJournal(db, (journal) => journal.get(runId)?.keys ?? []);
      assert.equal(history.length, 20);
      for (const step of history) {
        assert.equal(step.status, 'succeeded', step.key);
        assert.equal(step.starts, step.key === 'nap' ? 2 : 1, `${step.key} starts`);
      }
    } finally {
      await second.close();
    }
  });
});
