/**
 * `toolmesh run` and `toolmesh runs` as a user runs them: the real CLI in a child process, real fixture
 * servers, a journal in the config's store file; output, reports and exit codes checked.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunReport } from '../src/workflows/report.ts';
import { SqliteRuntime } from '../src/workflows/sqlite-runtime.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { REPO, type Run, toolmesh as runCli } from './support/cli.ts';

const CLI = join(REPO, 'bin/toolmesh.mjs');
const WORKFLOWS = join(REPO, 'test/fixtures/workflows');

let config: string;

/** `toolmesh <args> --config <file>` (the test's config unless given). */
function toolmesh(args: string[], configFile = config): Promise<Run> {
  return runCli([...args, '--config', configFile]);
}

/**
 * Starts `toolmesh run hold`, waits until its slow step started (from the progress lines on stderr) and
 * presses Ctrl-C. Resolves with what the CLI printed and the run's id.
 */
function interruptedHold(): Promise<Run & { runId: string }> {
  return new Promise((done, fail) => {
    const child = spawn(nodeBin, [CLI, 'run', 'hold', '--input', 'ms=4000', '--config', config]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/call hold attempt 1 started/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    child.on('error', fail);
    // Never hang the suite on a CLI that ignores Ctrl-C: the exit code then shows what happened.
    setTimeout(() => child.kill('SIGKILL'), 90_000).unref();
    child.on('close', (code) => {
      const runId = /toolmesh runs resume (\S+)/.exec(stderr)?.[1] ?? '';
      done({ code, stdout, stderr, runId });
    });
  });
}

describe('toolmesh run and runs', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'toolmesh-cli-run-'));
    config = join(dir, 'toolmesh.yaml');
    writeFileSync(
      config,
      [
        'servers:',
        `  echo: { command: ${JSON.stringify(nodeBin)}, args: [${JSON.stringify(fixturePath('echo'))}, --stdio] }`,
        `  slow: { command: ${JSON.stringify(nodeBin)}, args: [${JSON.stringify(fixturePath('slow'))}, --stdio] }`,
        'store: { path: ./state.db }',
        `workflows: [${JSON.stringify(join(WORKFLOWS, '*.yaml'))}]`,
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a configured workflow by name with typed inputs, shows progress and reports parallel steps', async () => {
    const run = await toolmesh(['run', 'fanout', '--input', 'text=hi', '--input', 'ms=400', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { status: string; outputs: unknown; report: RunReport };
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.outputs, { text: 'hi done' });
    assert.match(run.stderr, /^\d\d:\d\d:\d\d\.\d{3} step greet started \(echo__echo\)$/m);
    assert.match(run.stderr, /^\d\d:\d\d:\d\d\.\d{3} call left attempt 1 succeeded \(slow__sleep\)$/m);
    const { report } = result;
    assert.deepEqual(report.steps.map((step) => [step.id, step.server, step.outcome]).sort(), [
      ['greet', 'echo', 'succeeded'],
      ['join', 'echo', 'succeeded'],
      ['left', 'slow', 'succeeded'],
      ['right', 'slow', 'succeeded'],
    ]);
    // Both sleeps ran at once: 400 ms each, started together after greet.
    assert.equal(report.maxParallelism, 2);
    assert.equal(report.criticalPath.steps.length, 3);
    assert.ok(report.criticalPath.ms >= 400);
  });

  it('runs a workflow file, compensates after a failure and exits 5 with the report', async () => {
    const run = await toolmesh(['run', join(WORKFLOWS, 'undo.yaml')]);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stdout, /^run \S+ \(undo\): failed in /);
    assert.match(run.stdout, /^made +echo__echo +echo .* succeeded, compensation succeeded$/m);
    assert.match(run.stdout, /^boom +echo__fail .* failed: echo__fail returned an error: boom$/m);
    assert.match(run.stdout, /^compensations: made \(succeeded\)$/m);
  });

  it('refuses a workflow that does not fit the catalog (file:line:col), naming servers that are down', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nsteps:\n  a:\n    tool: echo__ecko\n');
    const unknown = await toolmesh(['run', bad]);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(
      unknown.stderr,
      /bad\.yaml:4:5 steps\.a\.tool: unknown tool "echo__ecko"\. Fix: did you mean "echo__echo"\?/,
    );
    // A server that is down lists no tools: the refusal names it.
    const down = join(dir, 'down.yaml');
    // Its own store: the default one is shared by the whole test run, and another test's hub may own it.
    writeFileSync(
      down,
      `servers:\n  slow: { command: ${JSON.stringify(join(dir, 'no-such-server'))} }\nstore: { path: ./down.db }\n`,
    );
    const unready = await toolmesh(['run', join(WORKFLOWS, 'fanout.yaml')], down);
    assert.equal(unready.code, 3, unready.stderr);
    assert.match(
      unready.stderr,
      /unknown tool "slow__sleep"[\s\S]*not ready: slow \(a server that is down lists no tools/,
    );
  });

  it('refuses inputs that break the schema or their type, and an unknown workflow name', async () => {
    const missing = await toolmesh(['run', 'fanout']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /invalid inputs for workflow fanout: .*text/);
    const untyped = await toolmesh(['run', 'fanout', '--input', 'text=x', '--input', 'ms=soon']);
    assert.equal(untyped.code, 2);
    assert.match(untyped.stderr, /ms must be a number, got "soon"/);
    const nameless = await toolmesh(['run', 'nope']);
    assert.equal(nameless.code, 2);
    assert.match(
      nameless.stderr,
      /no workflow file or configured workflow named "nope" \(configured workflows: .*fanout/,
    );
  });

  it('refuses to run on a journal another process holds, naming it', async () => {
    const holder = new SqliteRuntime(join(dir, 'state.db'));
    try {
      const run = await toolmesh(['run', 'fanout', '--input', 'text=x']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /workflow journal .*state\.db is in use by another process/);
    } finally {
      holder.close();
    }
  });

  it('lists runs and shows a report from the store file alone', async () => {
    const all = await toolmesh(['runs', 'list', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const { runs } = JSON.parse(all.stdout) as { runs: { id: string; workflow: string; status: string }[] };
    assert.ok(runs.some((run) => run.workflow === 'fanout' && run.status === 'succeeded'));
    const failed = await toolmesh(['runs', 'list', '--status', 'failed']);
    assert.match(failed.stdout, /^ID +WORKFLOW +STATUS/);
    assert.match(failed.stdout, / undo +failed /);
    assert.doesNotMatch(failed.stdout, / fanout /);

    const fanout = runs.find((run) => run.workflow === 'fanout');
    const show = await toolmesh(['runs', 'show', fanout?.id ?? '']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^critical path: greet → (left|right) → join \(/m);
    assert.match(show.stdout, /^parallelism: at most 2 steps at once, efficiency \d+%$/m);
    const unknown = await toolmesh(['runs', 'show', 'no-such-run']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run no-such-run in the journal/);
  });

  let stoppedId = '';

  it('leaves a run stopped with Ctrl-C resumable and says how to resume it', async () => {
    const stopped = await interruptedHold();
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /run \S+ interrupted; it is resumable: toolmesh runs resume \S+ --config /);
    stoppedId = stopped.runId;
    const running = await toolmesh(['runs', 'list', '--status', 'running', '--json']);
    assert.ok(JSON.parse(running.stdout).runs.some((run: { id: string }) => run.id === stoppedId));
  });

  it('resumes it: the step that was in flight is not idempotent, so the run asks for a decision', async () => {
    const decide = await toolmesh(['runs', 'resume', stoppedId]);
    assert.equal(decide.code, 5, decide.stderr);
    assert.match(decide.stdout, /needs-decision/);
    assert.match(
      decide.stderr,
      /needs a decision: call the interrupted step again with "toolmesh runs resume/,
    );
  });

  it('resumes it again: the decision is to call the step again, and the run succeeds', async () => {
    const again = await toolmesh(['runs', 'resume', stoppedId, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const { status, report } = JSON.parse(again.stdout) as { status: string; report: RunReport };
    assert.equal(status, 'succeeded');
    assert.deepEqual(
      report.steps.map((step) => [step.id, step.outcome]),
      [
        ['first', 'succeeded'],
        ['hold', 'succeeded'],
      ],
    );
    // `first` was journaled before the interruption and replayed, not called again.
    assert.doesNotMatch(again.stderr, /call first attempt/);
    const done = await toolmesh(['runs', 'resume', stoppedId]);
    assert.equal(done.code, 2);
    assert.match(done.stderr, /already ended \(succeeded\); there is nothing to resume/);
  });

  it('aborts an interrupted run, compensating the steps that succeeded', async () => {
    const stopped = await interruptedHold();
    assert.equal(stopped.code, 130, stopped.stderr);
    const abort = await toolmesh(['runs', 'abort', stopped.runId]);
    assert.equal(abort.code, 0, abort.stderr);
    assert.match(abort.stderr, /aborted \(failed\); compensated: first/);
    const show = await toolmesh(['runs', 'show', stopped.runId, '--json']);
    const report = JSON.parse(show.stdout) as RunReport;
    assert.equal(report.status, 'failed');
    assert.match(report.error ?? '', /aborted by toolmesh runs abort/);
    assert.deepEqual(report.compensations, [{ step: 'first', outcome: 'succeeded' }]);
  });
});
