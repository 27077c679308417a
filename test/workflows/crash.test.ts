// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/**
 * The hub process is killed with SIGKILL while the slow step in the middle of a 20-step workflow runs,
 * then started again on the same journal: the run completes, and the journal shows every step that is
 * not idempotent executed exactly once (only the idempotent step in flight ran twice).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteRuntime } from '../../src/workflows/sqlite-runtime.ts';
import { nodeBin } from '../fixtures/spawn.ts';
import { scratchDir } from './_helpers.ts';

const scratch = scratchDir();
after(() => scratch.remove());
const runner = fileURLToPath(new URL('./_runner.ts', import.meta.url));

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

function start(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(nodeBin, [runner, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines };
}

describe('workflow crash and resume', { timeout: 120_000 }, () => {
  it('completes a run after SIGKILL mid-step, with every non-idempotent step executed once', async () => {
    const db = `${scratch.dir}/journal.db`;
    const file = `${scratch.dir}/crash.yaml`;
    writeFileSync(file, twentySteps());

    const first = start(['--db', db, '--workflow', file]);
    for await (const line of first.lines) {
      const event = JSON.parse(line) as { type: string; key?: string; state?: string };
      if (event.type === 'call' && event.key === 'nap' && event.state === 'started') break;
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const journal = new SqliteRuntime(db);
    const [run] = journal.unfinished();
    assert.ok(run, 'the killed run is unfinished');
    const before = Object.fromEntries(journal.history(run.id).map((s) => [s.key, s.status]));
    journal.close();
    assert.equal(before.nap, 'started', 'the kill hit the slow step in flight');
    assert.equal(before.s9, 'succeeded');
    assert.equal(before.s11, undefined);

    const second = start(['--db', db, '--resume']);
    let result = '';
    const calls: string[] = [];
    for await (const line of second.lines) {
      if (line.startsWith('RESULT ')) result = line.slice(7);
      else if ((JSON.parse(line) as { type: string }).type === 'call') calls.push(JSON.parse(line).key);
    }
    await once(second.child, 'exit').catch(() => {});
    const [outcome] = JSON.parse(result) as { status: string; outputs: { text: string } }[];
    assert.equal(outcome?.status, 'succeeded');
    assert.equal(outcome?.outputs.text, '1.2.3.4.5.6.7.8.9|slept 4000.12.13.14.15.16.17.18.19.20');
    assert.ok(!calls.some((key) => /^s[1-9]$/.test(key)), `finished steps were not called again: ${calls}`);

    const after = new SqliteRuntime(db);
    try {
      const history = after.history(run.id);
      assert.equal(history.length, 20);
      for (const step of history) {
        assert.equal(step.status, 'succeeded', step.key);
        assert.equal(step.starts, step.key === 'nap' ? 2 : 1, `${step.key} starts`);
      }
      assert.equal(after.run(run.id)?.status, 'succeeded');
    } finally {
      after.close();
    }
  });
});
