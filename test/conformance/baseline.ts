/**
 * Reading conformance results (`checks.json` per scenario) and comparing them with a baseline of
 * expected failures, in the suite's own `--expected-failures` format:
 *
 * ```yaml
 * server:
 *   - tools-call-sampling                   # the whole scenario may fail
 *   - server-stateless:sep-2575-server-implements-discover   # only this check may fail
 * flaky:
 *   # why it is flaky (the hub bug)
 *   - tools-call-with-progress              # may fail or pass
 * ```
 *
 * The rules follow the suite's (0.2 alpha): a check "fails" when its status is FAILURE or WARNING;
 * repeated check ids within a scenario count once, with their worst status; a whole-scenario entry
 * is stale when the scenario has no failing check, a check entry when that check passed. Two rules
 * are stricter than the suite's: an entry that matches nothing that ran is stale too, and a
 * "success" whose recorded tool result is an `isError` result is counted as a failure (the suite's
 * tool-call checks pass on a "Tool ... not found" error result; see protocol.md §6.3).
 *
 * `flaky` (our addition; the suite ignores the key) lists checks that fail in some runs and pass in
 * others because of a race: they are neither unexpected when they fail nor stale when they pass.
 * It must be the last key of the file, so that `--write-baselines` can keep it with its comments.
 */
import { parse } from 'yaml';

export interface Check {
  id: string;
  name?: string;
  status: string;
  errorMessage?: string;
  details?: unknown;
}

export interface ScenarioResult {
  scenario: string;
  checks: Check[];
}

/** A baseline file: entries that must fail (`server`) and entries that may fail (`flaky`). */
export interface Baseline {
  server: string[];
  flaky: string[];
}

export interface Comparison {
  /** Failing checks (or scenarios) the baseline lists under `server`. */
  expected: string[];
  /** Failing checks matched by a `flaky` entry. */
  flaky: string[];
  /** Failing checks not in the baseline. */
  unexpected: string[];
  /** `server` entries that no longer fail (or matched nothing that ran). */
  stale: string[];
}

export interface Tally {
  scenarios: number;
  passed: number;
  failed: number;
  warnings: number;
}

/** The suite's rule: WARNING counts as failing; INFO and SKIPPED count as nothing. */
export const failing = (c: Check): boolean => c.status === 'FAILURE' || c.status === 'WARNING';
const severity = (s: string): number => (s === 'FAILURE' ? 3 : s === 'WARNING' ? 2 : s === 'SUCCESS' ? 1 : 0);

/** Whether `entry` ("scenario" or "scenario:check-id") covers this check. */
export const covers = (entry: string, scenario: string, checkId: string): boolean =>
  entry === scenario || entry === `${scenario}:${checkId}`;

/** Parses a baseline file's text (`server` and `flaky`; a `client` list is ignored). */
export function parseBaseline(text: string): Baseline {
  const data: unknown = parse(text);
  if (data === null || data === undefined) return { server: [], flaky: [] };
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error('expected a map with a server list');
  const list = (key: string): string[] => {
    const value = (data as Record<string, unknown>)[key] ?? [];
    if (!Array.isArray(value) || !value.every((e) => typeof e === 'string')) {
      throw new Error(`${key} must be a list of "scenario" or "scenario:check-id" strings`);
    }
    return value;
  };
  return { server: list('server'), flaky: list('flaky') };
}

/** The `flaky:` section of a baseline file, verbatim (comments included), or '' if none. */
export function flakySection(text: string): string {
  const at = text.search(/^flaky:/m);
  return at < 0 ? '' : text.slice(at);
}

/**
 * The checks that decide a scenario: INFO and SKIPPED dropped, and each check id once, with its
 * worst status (a scenario may report one id several times, e.g. once per probe).
 */
export function decidingChecks(result: ScenarioResult): Check[] {
  const byId = new Map<string, Check>();
  for (const check of result.checks) {
    if (severity(check.status) === 0) continue;
    const seen = byId.get(check.id);
    if (!seen || severity(check.status) > severity(seen.status)) byId.set(check.id, check);
  }
  return [...byId.values()];
}

/** Applies the weak-check rule: a passing check whose recorded tool result is `isError` fails. */
export function harden(result: ScenarioResult): ScenarioResult {
  if (result.scenario === 'tools-call-error') return result;
  const checks = result.checks.map((check) => {
    const recorded = (check.details as { result?: { isError?: unknown } } | undefined)?.result;
    if (check.status !== 'SUCCESS' || recorded?.isError !== true) return check;
    return {
      ...check,
      status: 'FAILURE',
      errorMessage: `weak check: the suite passed it, but the tool result is an error (${errorText(recorded)})`,
    };
  });
  return { ...result, checks };
}

function errorText(result: unknown): string {
  const content = (result as { content?: { text?: unknown }[] }).content;
  const text = Array.isArray(content)
    ? content.map((c) => (typeof c.text === 'string' ? c.text : '')).join(' ')
    : '';
  return text.slice(0, 120) || 'isError: true';
}

/** Compares results with a baseline. */
export function compare(results: ScenarioResult[], baseline: Baseline): Comparison {
  const isFlaky = (scenario: string, id: string): boolean =>
    baseline.flaky.some((e) => covers(e, scenario, id));
  const whole = new Set(baseline.server.filter((e) => !e.includes(':')));
  const byScenario = new Map<string, Set<string>>();
  for (const entry of baseline.server) {
    const at = entry.indexOf(':');
    if (at < 0) continue;
    const scenario = entry.slice(0, at);
    const ids = byScenario.get(scenario) ?? new Set<string>();
    ids.add(entry.slice(at + 1));
    byScenario.set(scenario, ids);
  }
  const out: Comparison = { expected: [], flaky: [], unexpected: [], stale: [] };
  const ran = new Set<string>();
  for (const result of results) {
    ran.add(result.scenario);
    const deciding = decidingChecks(result);
    const failed = deciding.filter(failing);
    if (whole.has(result.scenario)) {
      (failed.length > 0 ? out.expected : out.stale).push(result.scenario);
      continue;
    }
    const listed = byScenario.get(result.scenario) ?? new Set<string>();
    for (const check of failed) {
      const entry = `${result.scenario}:${check.id}`;
      if (listed.has(check.id)) out.expected.push(entry);
      else if (isFlaky(result.scenario, check.id)) out.flaky.push(entry);
      else out.unexpected.push(entry);
    }
    for (const id of listed) {
      const check = deciding.find((c) => c.id === id);
      if (!check || !failing(check)) out.stale.push(`${result.scenario}:${id}`);
    }
  }
  for (const scenario of whole) if (!ran.has(scenario)) out.stale.push(scenario);
  for (const [scenario, ids] of byScenario) {
    if (!ran.has(scenario)) for (const id of ids) out.stale.push(`${scenario}:${id}`);
  }
  return out;
}

/** Scenarios without a failing deciding check, and deciding checks that pass, of `results`. */
export function passing(results: ScenarioResult[]): { scenarios: number; checks: number; of: number } {
  const deciding = results.map(decidingChecks);
  return {
    scenarios: deciding.filter((checks) => !checks.some(failing)).length,
    checks: deciding.flat().filter((c) => !failing(c)).length,
    of: deciding.flat().length,
  };
}

/** Counts checks the way the suite's summary does (every SUCCESS, FAILURE and WARNING). */
export function tally(results: ScenarioResult[]): Tally {
  const all = results.flatMap((r) => r.checks);
  return {
    scenarios: results.length,
    passed: all.filter((c) => c.status === 'SUCCESS').length,
    failed: all.filter((c) => c.status === 'FAILURE').length,
    warnings: all.filter((c) => c.status === 'WARNING').length,
  };
}

/**
 * Writes a baseline listing every failing check of `results` that no flaky entry covers. A
 * scenario is listed whole when `wholeScenario(name)` says so (0.1.x files, which take scenario
 * names only, and extension scenarios the fixture does not implement at all); otherwise each
 * failing check is listed. Each entry is preceded by a comment with the suite's error message, as
 * a reminder of why it fails. `flaky` (a section from {@link flakySection}) is appended as it is.
 */
export function formatBaseline(
  header: string,
  results: ScenarioResult[],
  wholeScenario: (scenario: string) => boolean,
  flaky = '',
): string {
  const flakyEntries = parseBaseline(flaky).flaky;
  const lines = header
    .trim()
    .split('\n')
    .map((l) => (l ? `# ${l}` : '#'));
  const entries: string[] = [];
  for (const result of [...results].sort((a, b) => a.scenario.localeCompare(b.scenario))) {
    const failed = decidingChecks(result)
      .filter(failing)
      .filter((c) => !flakyEntries.some((e) => covers(e, result.scenario, c.id)));
    if (failed.length === 0) continue;
    if (wholeScenario(result.scenario)) {
      entries.push(`  # ${oneLine(failed[0]?.errorMessage)}`, `  - ${result.scenario}`);
      continue;
    }
    for (const check of failed.sort((a, b) => a.id.localeCompare(b.id))) {
      entries.push(`  # ${oneLine(check.errorMessage)}`, `  - ${result.scenario}:${check.id}`);
    }
  }
  lines.push(entries.length === 0 ? 'server: []' : 'server:', ...entries);
  if (flaky.trim()) lines.push('', flaky.trimEnd());
  return `${lines.join('\n')}\n`;
}

function oneLine(message: string | undefined): string {
  const text = (message ?? '(no message)').replace(/\s+/g, ' ').trim();
  return text.length > 150 ? `${text.slice(0, 147)}...` : text;
}
