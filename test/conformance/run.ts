/**
 * `npm run conformance`: the official MCP conformance suite against the hub.
 *
 * Starts the hub (`toolmesh serve --port 0`) in front of the conformance fixture
 * (`test/fixtures/servers/conformance.ts`, mounted with `prefix: false`), once with the fixture
 * reached over stdio and once over Streamable HTTP, and runs three selections of server scenarios
 * against the hub's `/mcp`:
 *
 * - `v0.1.16`: `@modelcontextprotocol/conformance@0.1.16`, its default (active) suite;
 * - `2025-11-25` and `2026-07-28`: the pinned 0.2 prerelease with `--requirements <revision>`.
 *
 * Every scenario's `checks.json` is read and compared with `test/conformance/baseline-<target>-<selection>.yaml`
 * (the suite's `--expected-failures` format). The run fails on a failing check the baseline does
 * not list and on a baseline entry that no longer fails.
 *
 * Side by side, the transparency comparison (`--everything`, also part of the default run) runs the
 * same selections against `@modelcontextprotocol/server-everything` directly and through the hub
 * (server-everything mounted unprefixed, over stdio and over HTTP): a check that passes or fails
 * differently through the hub fails the run unless `transparency-allow.yaml` excuses it
 * (`transparency.ts`). See README.md in this folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEverything, startHttpFixture, stdioEverything } from '../fixtures/spawn.ts';
import {
  type Baseline,
  type Comparison,
  compare,
  flakySection,
  formatBaseline,
  harden,
  parseBaseline,
  passing,
  type ScenarioResult,
  type Tally,
  tally,
} from './baseline.ts';
import {
  type Allowance,
  differences,
  formatDifferences,
  type Judged,
  judge,
  parseAllowList,
} from './transparency.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const FIXTURE = join(REPO, 'test', 'fixtures', 'servers', 'conformance.ts');
const ALLOW_LIST = join(HERE, 'transparency-allow.yaml');
const NODE = process.execPath;
const require = createRequire(import.meta.url);
const suiteBin = (pkg: string): string =>
  join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'index.js');

/** Hubs and suite runs still going; killed if the runner exits early (e.g. on a signal). */
const children = new Set<ChildProcess>();
/** The results folder to remove if the runner is interrupted (unset with --keep). */
let scratch: string | undefined;
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});
// Turn signals into a normal exit, so the exit handlers (here and in spawn.ts) stop the children.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

/** Upper bound for one selection (one suite run); the whole run must stay well under 5 minutes. */
const SELECTION_TIMEOUT_MS = 150_000;
/** Per-request limit the hub applies upstream, so a request the hub cannot complete fails fast. */
const HUB_CALL_MS = 10_000;

interface Selection {
  id: string;
  bin: string;
  args: string[];
  /** 0.1.x baselines take scenario names only. */
  scenarioLevel: boolean;
}

const SELECTIONS: Selection[] = [
  { id: 'v0.1.16', bin: suiteBin('@modelcontextprotocol/conformance'), args: [], scenarioLevel: true },
  {
    id: '2025-11-25',
    bin: suiteBin('conformance-next'),
    args: ['--requirements', '2025-11-25'],
    scenarioLevel: false,
  },
  {
    id: '2026-07-28',
    bin: suiteBin('conformance-next'),
    args: ['--requirements', '2026-07-28'],
    scenarioLevel: false,
  },
];

/**
 * `hub-*` and `direct`: the conformance fixture, gated by baselines. `everything-*`:
 * server-everything, gated by the transparency comparison (hub results = direct results).
 */
type TargetName =
  | 'hub-stdio'
  | 'hub-http'
  | 'direct'
  | 'everything-direct'
  | 'everything-hub-stdio'
  | 'everything-hub-http';
const isEverything = (target: TargetName): boolean => target.startsWith('everything-');

/** Something serving MCP at `url` that the suite runs against. */
interface Served {
  url: string;
  stop(): Promise<void>;
  /** Tail of its logs, shown when something goes wrong. */
  logs(): string;
}

interface RunResult {
  target: TargetName;
  selection: Selection;
  results: ScenarioResult[];
  tally: Tally;
  /** Against the baseline; unused for everything-* runs, which are compared with each other. */
  comparison: Comparison;
  /** The suite's own exit code (informational; the baseline decides). */
  exitCode: number | null;
  /** Set when the run itself broke (no results, crash, timeout). */
  error?: string;
  baselineFile: string;
}

const USAGE = `Usage: npm run conformance -- [options]

Runs the MCP conformance server scenarios (0.1.16 default suite; 0.2 alpha --requirements
2025-11-25 and 2026-07-28) against the hub fronting the conformance fixture, with the fixture
reached over stdio and over HTTP, and compares every failing check with the baselines in
test/conformance/baseline-*.yaml. Also runs them against server-everything directly and through
the hub, and fails on any check that passes or fails differently through the hub unless
test/conformance/transparency-allow.yaml allows it.

  --everything         only the transparency comparison (server-everything directly vs through
                       the hub); the default run includes it, --direct, --fixture-era and
                       --write-baselines leave it out
  --no-everything      only the fixture and its baselines
  --direct             run against the fixture itself (HTTP), not through the hub
  --transport T        hub only: stdio or http (default: both)
  --selection S        v0.1.16, 2025-11-25 or 2026-07-28 (repeatable; default: all three)
  --write-baselines    rewrite the baselines of the runs made from their current failures
  --verbose            print every failing check, not only those outside the baseline, and
                       every difference the "*" allowance covers
  --keep               keep the suite's result folders (checks.json) and print where they are
  --fixture-era E      make the fixture a one-era server (legacy or modern), to see how the hub
                       bridges eras; exploratory: no baselines, only fails if a run breaks`;

/** Extra fixture flags (\`--era\`), set from --fixture-era. */
let fixtureArgs: string[] = [];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      direct: { type: 'boolean' },
      everything: { type: 'boolean' },
      transport: { type: 'string' },
      selection: { type: 'string', multiple: true },
      'write-baselines': { type: 'boolean' },
      verbose: { type: 'boolean' },
      keep: { type: 'boolean' },
      'fixture-era': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowNegative: true, // --no-everything
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (Number(process.versions.node.split('.')[0]) < 22) {
    console.error(
      `The conformance suite needs Node >= 22; this is ${process.version}. Run it with npm run conformance.`,
    );
    return 2;
  }
  const selections = values.selection
    ? values.selection.map((id) => {
        const found = SELECTIONS.find((s) => s.id === id);
        if (!found) throw new Error(`unknown selection "${id}" (${SELECTIONS.map((s) => s.id).join(', ')})`);
        return found;
      })
    : SELECTIONS;
  const fixtureEra = values['fixture-era'];
  if (fixtureEra !== undefined && fixtureEra !== 'legacy' && fixtureEra !== 'modern') {
    throw new Error(`--fixture-era must be legacy or modern, got "${fixtureEra}"`);
  }
  if (fixtureEra && values['write-baselines'])
    throw new Error('--fixture-era runs have no baselines to write');
  fixtureArgs = fixtureEra ? ['--era', fixtureEra] : [];
  const gated = fixtureEra === undefined;
  const transports = values.transport === undefined ? ['stdio', 'http'] : [values.transport];
  if (!transports.every((t) => t === 'stdio' || t === 'http'))
    throw new Error(`--transport must be stdio or http, got "${values.transport}"`);
  if (values.everything && (values.direct || fixtureEra || values['write-baselines']))
    throw new Error('--everything does not go with --direct, --fixture-era or --write-baselines');
  let targets: TargetName[] = [];
  if (values.direct) targets = ['direct'];
  else if (values.everything !== true) targets = transports.map((t) => `hub-${t}` as TargetName);
  // The transparency comparison joins the default run (it adds ~10-15 s on 2 cores, see README.md).
  // An exploratory --fixture-era run or a baseline rewrite has nothing to do with it.
  const fixtureOnly = values.everything === false || values.direct || fixtureEra || values['write-baselines'];
  if (values.everything === true || !fixtureOnly) {
    targets.push('everything-direct', ...transports.map((t) => `everything-hub-${t}` as TargetName));
  }

  // Read before the runs, so that a broken allow-list fails in a second, not after the suite.
  const allowances = targets.some(isEverything)
    ? parseAllowList(await readFile(ALLOW_LIST, 'utf8'), {
        selections: SELECTIONS.map((s) => s.id),
        upstreams: ['stdio', 'http'],
      })
    : undefined;

  const work = await mkdtemp(join(tmpdir(), 'toolmesh-conformance-'));
  if (!values.keep) scratch = work;
  const started = Date.now();
  let runs: RunResult[];
  try {
    // Targets are independent processes, so they run side by side; selections run one after another.
    runs = (await Promise.all(targets.map((t) => runTarget(t, selections, work, gated)))).flat();
  } finally {
    if (!values.keep) await rm(work, { recursive: true, force: true });
  }

  const fixtureRuns = runs.filter((r) => !isEverything(r.target));
  if (values['write-baselines']) {
    for (const run of fixtureRuns) if (!run.error) await writeBaseline(run);
  }
  if (fixtureRuns.length > 0)
    report(fixtureRuns, Boolean(values.verbose), Boolean(values['write-baselines']), gated);
  if (!gated)
    console.log(`\nThe fixture served the ${fixtureEra} era only: no baselines apply, nothing is gated.`);
  const opaque = allowances ? reportTransparency(runs, allowances, Boolean(values.verbose)) : false;
  if (values.keep) console.log(`\nResults kept in ${work}`);
  console.log(`\nTook ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  const broken = runs.some((r) => r.error);
  const bad =
    gated && fixtureRuns.some((r) => r.comparison.unexpected.length > 0 || r.comparison.stale.length > 0);
  return broken || opaque || (bad && !values['write-baselines']) ? 1 : 0;
}

/** Starts the target, runs each selection against it, stops it. */
async function runTarget(
  target: TargetName,
  selections: Selection[],
  work: string,
  gated: boolean,
): Promise<RunResult[]> {
  const dir = join(work, target);
  await mkdir(dir, { recursive: true });
  let served: Served;
  try {
    served = await startTarget(target, dir);
  } catch (error) {
    const message = `could not start: ${(error as Error).message}`;
    return selections.map((selection) => brokenRun(target, selection, message));
  }
  const out: RunResult[] = [];
  try {
    for (const selection of selections)
      out.push(await runSelection(target, selection, served, dir, gated && !isEverything(target)));
  } finally {
    await served.stop();
  }
  return out;
}

async function startTarget(target: TargetName, dir: string): Promise<Served> {
  switch (target) {
    case 'hub-stdio':
      return startHub('conformance', { command: NODE, args: [FIXTURE, '--stdio', ...fixtureArgs] }, dir);
    case 'everything-hub-stdio':
      return startHub('everything', stdioEverything(), dir);
  }
  // The rest need the server over Streamable HTTP, then either use it directly or mount it in a hub.
  const upstream =
    target === 'direct' || target === 'hub-http'
      ? await startHttpFixture('conformance', fixtureArgs).then((f) => ({ ...f, logs: f.stderr }))
      : await startEverything('streamableHttp').then((e) => ({ ...e, logs: e.stderr }));
  if (target === 'direct' || target === 'everything-direct') return upstream;
  try {
    const name = target === 'hub-http' ? 'conformance' : 'everything';
    const hub = await startHub(name, { type: 'http', url: upstream.url }, dir);
    return {
      url: hub.url,
      logs: () => `${hub.logs()}\n--- ${name} stderr ---\n${upstream.logs()}`,
      stop: async () => {
        await hub.stop();
        await upstream.stop();
      },
    };
  } catch (error) {
    await upstream.stop();
    throw error;
  }
}

/**
 * Starts `toolmesh serve` on a free loopback port with `upstream` as its only server, mounted
 * unprefixed (the suite calls tools by their own names), and resolves once `/readyz` reports it ready.
 */
async function startHub(name: string, upstream: Record<string, unknown>, dir: string): Promise<Served> {
  const config = join(dir, 'toolmesh.json');
  const server = { ...upstream, prefix: false, timeouts: { callMs: HUB_CALL_MS } };
  await writeFile(
    config,
    JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, servers: { [name]: server } }),
  );

  const child = spawn(NODE, [CLI, 'serve', '--config', config, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOOLMESH_LOG_LEVEL: 'info' },
  });
  children.add(child);
  const exited = once(child, 'exit').finally(() => children.delete(child));
  let stderr = '';
  const listening = new Promise<string>((resolve, reject) => {
    let pending = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const entry = parseJsonLine(line);
        if (entry?.msg === 'listening' && typeof entry.url === 'string') resolve(entry.url);
      }
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`hub exited (${code ?? signal}) before listening`)),
    );
  });
  listening.catch(() => {}); // handled below; a late rejection must not crash the runner
  const stop = () => stopChild(child, exited);
  try {
    const url = await within(listening, 20_000, 'the hub to listen');
    await waitReady(new URL('/readyz', url).href, 30_000);
    return { url, stop, logs: () => stderr };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- hub stderr ---\n${stderr.slice(-4000)}`);
  }
}

/** Polls the hub's `/readyz` until it reports ready (start-up settled, the fixture ready). */
async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(url).catch(() => undefined);
    last = response ? await response.text() : 'no answer';
    if ((parseJsonLine(last) as { ready?: boolean } | undefined)?.ready === true) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the hub was not ready within ${timeoutMs} ms: ${last}`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

/** Runs one suite selection and reads every scenario's checks.json. */
async function runSelection(
  target: TargetName,
  selection: Selection,
  served: Served,
  dir: string,
  gated: boolean,
): Promise<RunResult> {
  const out = join(dir, selection.id);
  const baselineFile = join(HERE, `baseline-${target}-${selection.id}.yaml`);
  const child = spawn(NODE, [selection.bin, 'server', '--url', served.url, '-o', out, ...selection.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
  });
  children.add(child);
  child.once('close', () => children.delete(child));
  let log = '';
  const collect = (chunk: Buffer): void => {
    log += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, SELECTION_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (e) => {
      log += `cannot run the suite: ${e.message}\n`;
      resolve(null);
    });
  });
  clearTimeout(timer);

  const results = await readResults(out);
  // Scenarios the suite summarised but wrote no checks.json for (a crashed scenario) count as failing.
  for (const scenario of summarisedScenarios(log)) {
    if (!results.some((r) => r.scenario === scenario)) {
      results.push({
        scenario,
        checks: [{ id: scenario, status: 'FAILURE', errorMessage: 'the suite wrote no checks.json for it' }],
      });
    }
  }
  let error: string | undefined;
  if (timedOut) {
    error = `the suite did not finish within ${SELECTION_TIMEOUT_MS / 1000} s; suite output:\n${log.slice(-3000)}`;
  } else if (results.length === 0) {
    error = `no results (suite exit ${exitCode}); suite output:\n${log.slice(-3000)}\n--- target logs ---\n${served.logs().slice(-3000)}`;
  }
  let baseline: Baseline = { server: [], flaky: [] };
  try {
    if (gated) baseline = parseBaseline(await readFile(baselineFile, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      error = `${relative(baselineFile)}: ${(e as Error).message}`;
  }
  return {
    target,
    selection,
    results,
    tally: tally(results),
    comparison: compare(results, baseline),
    exitCode,
    error,
    baselineFile,
  };
}

async function readResults(dir: string): Promise<ScenarioResult[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const results: ScenarioResult[] = [];
  for (const name of names.sort()) {
    const match = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(name);
    if (!match?.[1]) continue;
    const text = await readFile(join(dir, name, 'checks.json'), 'utf8').catch(() => undefined);
    const checks = text === undefined ? undefined : (JSON.parse(text) as ScenarioResult['checks']);
    results.push(
      harden({
        scenario: match[1],
        checks: checks ?? [{ id: match[1], status: 'FAILURE', errorMessage: 'checks.json missing' }],
      }),
    );
  }
  return results;
}

/** Scenario names from the suite's `=== SUMMARY ===` block (`✓ name: …` / `✗ name: …`). */
function summarisedScenarios(log: string): string[] {
  const summary = log.split('=== SUMMARY ===')[1] ?? '';
  return [...summary.matchAll(/^[✓✗] ([\w./-]+): \d+ passed/gm)].map((m) => m[1] as string);
}

function brokenRun(target: TargetName, selection: Selection, error: string): RunResult {
  return {
    target,
    selection,
    results: [],
    tally: tally([]),
    comparison: { expected: [], flaky: [], unexpected: [], stale: [] },
    exitCode: null,
    error,
    baselineFile: join(HERE, `baseline-${target}-${selection.id}.yaml`),
  };
}

/** Extension scenarios (tasks-*, skills) the fixture does not implement are listed whole. */
function isExtensionScenario(scenario: string): boolean {
  return scenario.startsWith('tasks-') || scenario.startsWith('sep-2640-');
}

async function writeBaseline(run: RunResult): Promise<void> {
  const where =
    run.target === 'direct'
      ? 'the conformance fixture itself, over HTTP (npm run conformance -- --direct)'
      : `the hub with the fixture reached over ${run.target === 'hub-stdio' ? 'stdio' : 'HTTP'}`;
  const header = `Expected failures: ${run.selection.id} selection against ${where}.
Format: the conformance suite's --expected-failures file. "scenario" = the whole scenario may
fail; "scenario:check-id" = only that check may fail. The comment above each entry is the suite's
error message. test/conformance/README.md explains what is missing and why. The flaky list
(kept last; the suite ignores it) holds checks that fail in some runs only.
Written by npm run conformance -- --write-baselines; a failure not listed here, or an entry that
no longer fails, makes npm run conformance fail.`;
  const previous = await readFile(run.baselineFile, 'utf8').catch(() => '');
  const text = formatBaseline(
    header,
    run.results,
    (scenario) => run.selection.scenarioLevel || isExtensionScenario(scenario),
    flakySection(previous),
  );
  await writeFile(run.baselineFile, text);
  run.comparison = compare(run.results, parseBaseline(text));
}

function report(runs: RunResult[], verbose: boolean, wrote: boolean, gated: boolean): void {
  const rows = runs.map((r) => [
    r.target,
    r.selection.id,
    `${passing(r.results).scenarios}/${r.tally.scenarios}`,
    String(r.tally.passed),
    String(r.tally.failed),
    String(r.tally.warnings),
    String(r.comparison.expected.length),
    String(r.comparison.flaky.length),
    String(r.comparison.unexpected.length),
    String(r.comparison.stale.length),
    r.error
      ? 'BROKEN'
      : !gated
        ? ''
        : r.comparison.unexpected.length + r.comparison.stale.length > 0
          ? 'FAIL'
          : 'ok',
  ]);
  const head = [
    'target',
    'selection',
    'scenarios ok',
    'passed',
    'failed',
    'warnings',
    'baselined',
    'flaky',
    'new',
    'stale',
    '',
  ];
  console.log(
    '\nScenarios ok = scenarios without a failing check; passed/failed/warnings count every check the' +
      '\nsuite reported (a scenario that breaks early reports fewer checks); baselined/flaky/new/stale' +
      '\ncompare the failing checks with the baseline.\n',
  );
  printTable(head, rows);

  for (const run of runs) {
    const name = `${run.target} ${run.selection.id}`;
    if (run.error) console.log(`\n${name}: BROKEN: ${run.error}`);
    if (run.comparison.unexpected.length > 0) {
      console.log(
        gated ? `\n${name}: failing, not in ${relative(run.baselineFile)}:` : `\n${name}: failing:`,
      );
      for (const entry of run.comparison.unexpected) console.log(`  ✗ ${entry}  ${messageOf(run, entry)}`);
    }
    if (run.comparison.stale.length > 0) {
      console.log(`\n${name}: in ${relative(run.baselineFile)} but no longer failing (remove them):`);
      for (const entry of run.comparison.stale) console.log(`  ✓ ${entry}`);
    }
    if (run.comparison.flaky.length > 0) {
      console.log(`\n${name}: failed this time, listed as flaky:`);
      for (const entry of run.comparison.flaky) console.log(`  ? ${entry}  ${messageOf(run, entry)}`);
    }
    if (verbose && run.comparison.expected.length > 0) {
      console.log(`\n${name}: failing as the baseline expects:`);
      for (const entry of run.comparison.expected) console.log(`  ~ ${entry}  ${messageOf(run, entry)}`);
    }
  }
  if (wrote) console.log('\nBaselines rewritten from these results.');
}

/**
 * Prints the transparency table (server-everything directly vs through the hub, per selection and
 * upstream transport) and the differences. Returns whether any difference is not allowed, an
 * allowance is stale, or a side broke; each fails the run.
 */
function reportTransparency(runs: RunResult[], allowances: Allowance[], verbose: boolean): boolean {
  const rows: string[][] = [];
  const judged: Judged[] = [];
  const broken: string[] = [];
  const ok = (run: RunResult): string => {
    const p = passing(run.results);
    return `${p.scenarios}/${run.results.length} (${p.checks}/${p.of})`;
  };
  for (const hub of runs.filter((r) => r.target.startsWith('everything-hub-'))) {
    const direct = runs.find((r) => r.target === 'everything-direct' && r.selection === hub.selection);
    const [selection, upstream] = [hub.selection.id, hub.target.slice('everything-hub-'.length)];
    if (!direct || direct.error || hub.error) {
      // A comparison with a broken side means nothing; say why it broke instead.
      rows.push([selection, upstream, direct ? ok(direct) : '-', ok(hub), '-', '-', 'BROKEN']);
      for (const run of [direct, hub])
        if (run?.error) broken.push(`${run.target} ${selection}: BROKEN: ${run.error}`);
      continue;
    }
    const verdict = judge(differences(direct.results, hub.results), allowances, selection, upstream);
    judged.push({ selection, upstream, verdict });
    const bad = verdict.disallowed.length + verdict.stale.length > 0;
    rows.push([
      selection,
      upstream,
      ok(direct),
      ok(hub),
      String(verdict.differences.length),
      String(verdict.allowed.length),
      bad ? 'FAIL' : 'ok',
    ]);
  }
  console.log(
    '\nTransparency: server-everything directly vs through the hub (mounted unprefixed), by upstream' +
      '\ntransport. ok = scenarios without a failing check (checks passing / checks reported), weak-check' +
      `\nrule applied. Every check must pass or fail alike on both sides, unless ${relative(ALLOW_LIST)}` +
      '\nallows the difference.\n',
  );
  printTable(['selection', 'upstream', 'direct ok', 'through hub ok', 'differences', 'allowed', ''], rows);
  const lines = formatDifferences(judged, verbose);
  if (lines.length > 0) console.log(`\nDifferences:\n${lines.join('\n')}`);
  if (broken.length > 0) console.log(`\n${broken.join('\n')}`);
  return broken.length > 0 || rows.some((row) => row[6] !== 'ok');
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(head));
  for (const row of rows) console.log(line(row));
}

function messageOf(run: RunResult, entry: string): string {
  const [scenario, id] = entry.split(/:(.*)/s);
  const result = run.results.find((r) => r.scenario === scenario);
  const check = result?.checks.find(
    (c) => (id ? c.id === id : true) && c.status !== 'SUCCESS' && c.status !== 'INFO',
  );
  return (check?.errorMessage ?? '').replace(/\s+/g, ' ').slice(0, 160);
}

function relative(file: string): string {
  return file.startsWith(REPO) ? file.slice(REPO.length + 1) : file;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

process.exitCode = await main().catch((error: Error) => {
  console.error(error.message);
  return 2;
});
