/**
 * The transparency gate of `npm run conformance`: the hub must not change a server's conformance
 * results. The same suite selection runs against `@modelcontextprotocol/server-everything` directly
 * and through the hub (mounted unprefixed); every check must pass through the hub exactly when it
 * passes directly, and fail exactly when it fails directly. A check reported on one side only
 * (a scenario that broke earlier, or later) is a difference too.
 *
 * A difference is accepted only when `transparency-allow.yaml` lists it with a reason: deliberate
 * hub behaviour (the hub's own HTTP face doing more than the server's, say), never a bug. An
 * allowance that matches no difference in a run it applies to is stale and fails the run, as
 * baseline entries do, so the list cannot outlive what it excuses.
 *
 * Pure logic; `run.ts` runs the suite. Results are read (and the weak-check rule applied) the same
 * way as for the baselines, see `baseline.ts`.
 */
import { parse } from 'yaml';
import { type Check, covers, decidingChecks, failing, type ScenarioResult } from './baseline.ts';

/** One check's outcome on one side; `absent` = that side did not report it. */
export type Outcome = 'pass' | 'fail' | 'absent';

export interface Difference {
  /** "scenario:check-id", or "scenario" for a scenario one side did not run at all. */
  entry: string;
  direct: Outcome;
  hub: Outcome;
  /** The suite's message from the failing side (empty when none). */
  message: string;
}

/** An accepted difference, from the allow-list file. */
export interface Allowance {
  /** "scenario" (every check of it), "scenario:check-id", or "*" (every check). */
  entry: string;
  /** Why the hub differs on purpose. Required. */
  reason: string;
  /** Selections it applies to (v0.1.16, 2025-11-25, 2026-07-28); all when unset. */
  selections?: string[];
  /** Upstream transports it applies to (stdio, http); all when unset. */
  upstreams?: string[];
  /** Only differences whose direct outcome is one of these; any when unset. */
  direct?: Outcome[];
  /** Only differences whose outcome through the hub is one of these; any when unset. */
  hub?: Outcome[];
}

export interface Verdict {
  differences: Difference[];
  /** Differences an allowance covers, with the first allowance that does. */
  allowed: { difference: Difference; by: Allowance }[];
  /** Differences no allowance covers: these fail the run. */
  disallowed: Difference[];
  /** Allowances for this run (selection × upstream) that matched no difference. */
  stale: Allowance[];
}

/** Every check whose outcome differs between the direct run and the run through the hub. */
export function differences(direct: ScenarioResult[], hub: ScenarioResult[]): Difference[] {
  const out: Difference[] = [];
  const byName = (results: ScenarioResult[]) => new Map(results.map((r) => [r.scenario, r]));
  const [directly, through] = [byName(direct), byName(hub)];
  for (const scenario of new Set([...directly.keys(), ...through.keys()])) {
    const [a, b] = [directly.get(scenario), through.get(scenario)];
    if (!a || !b) {
      // A scenario that ran on one side only shows up once, as a whole, not once per check.
      out.push({ entry: scenario, direct: overall(a), hub: overall(b), message: '' });
      continue;
    }
    const [checksA, checksB] = [byId(a), byId(b)];
    for (const id of new Set([...checksA.keys(), ...checksB.keys()])) {
      const [x, y] = [checksA.get(id), checksB.get(id)];
      if (outcome(x) === outcome(y)) continue;
      // The failing side's message says what went wrong; the hub's first, as it is the suspect.
      const message = [y, x].find((c) => c && failing(c))?.errorMessage ?? '';
      out.push({
        entry: `${scenario}:${id}`,
        direct: outcome(x),
        hub: outcome(y),
        message: oneLine(message),
      });
    }
  }
  return out.sort((x, y) => x.entry.localeCompare(y.entry));
}

/** The deciding checks of a scenario (weak-check rule already applied by the reader), by id. */
const byId = (result: ScenarioResult): Map<string, Check> =>
  new Map(decidingChecks(result).map((c) => [c.id, c]));
const outcome = (check: Check | undefined): Outcome => (!check ? 'absent' : failing(check) ? 'fail' : 'pass');
const overall = (result: ScenarioResult | undefined): Outcome =>
  !result ? 'absent' : decidingChecks(result).some(failing) ? 'fail' : 'pass';

/** Splits a run's differences by the allow-list; `selection` and `upstream` pick the allowances. */
export function judge(
  found: Difference[],
  allowances: Allowance[],
  selection: string,
  upstream: string,
): Verdict {
  const applicable = allowances.filter(
    (a) => (a.selections?.includes(selection) ?? true) && (a.upstreams?.includes(upstream) ?? true),
  );
  const matches = (a: Allowance, d: Difference): boolean => {
    if (!(a.direct?.includes(d.direct) ?? true) || !(a.hub?.includes(d.hub) ?? true)) return false;
    const at = d.entry.indexOf(':');
    if (a.entry === '*') return true;
    return at < 0 ? a.entry === d.entry : covers(a.entry, d.entry.slice(0, at), d.entry.slice(at + 1));
  };
  const allowed: Verdict['allowed'] = [];
  const disallowed: Difference[] = [];
  for (const difference of found) {
    const by = applicable.find((a) => matches(a, difference));
    if (by) allowed.push({ difference, by });
    else disallowed.push(difference);
  }
  return {
    differences: found,
    allowed,
    disallowed,
    stale: applicable.filter((a) => !found.some((d) => matches(a, d))),
  };
}

/** One compared run: a selection through the hub with one upstream transport. */
export interface Judged {
  selection: string;
  upstream: string;
  verdict: Verdict;
}

/**
 * The differences as text, one line each, per selection; a difference seen with both upstream
 * transports is printed once. Differences allowed by a catch-all ("*") allowance are only counted
 * unless `verbose`: in 2026-07-28 they are most of the checks and say nothing new.
 */
export function formatDifferences(runs: Judged[], verbose: boolean): string[] {
  const lines: string[] = [];
  for (const selection of new Set(runs.map((r) => r.selection))) {
    const mine = runs.filter((r) => r.selection === selection);
    const grouped = new Map<string, { text: string; upstreams: string[] }>();
    const add = (upstream: string, text: string): void => {
      const seen = grouped.get(text) ?? { text, upstreams: [] };
      seen.upstreams.push(upstream);
      grouped.set(text, seen);
    };
    const wildcard = new Map<string, number>();
    for (const { upstream, verdict } of mine) {
      const show = (d: Difference): string => `${d.entry}: ${d.direct} directly, ${d.hub} through the hub`;
      for (const d of verdict.disallowed)
        add(upstream, `  DIFFERS  ${show(d)}${d.message ? `  (${d.message})` : ''}`);
      for (const { difference, by } of verdict.allowed) {
        if (by.entry === '*' && !verbose) wildcard.set(upstream, (wildcard.get(upstream) ?? 0) + 1);
        else add(upstream, `  allowed  ${show(difference)}`);
      }
      for (const a of verdict.stale) add(upstream, `  STALE    allowance ${a.entry} matched no difference`);
    }
    // Counted like a line of its own, so that equal counts for both upstreams print once.
    for (const [upstream, count] of wildcard)
      add(upstream, `  allowed  ${count} more by the "*" allowance (--verbose lists them)`);
    const both = (upstreams: string[]): string =>
      upstreams.length === mine.length ? '' : `  [${upstreams.join(', ')} only]`;
    const body = [...grouped.values()].map((g) => `${g.text}${both(g.upstreams)}`);
    if (body.length > 0) lines.push(`${selection}:`, ...body);
  }
  return lines;
}

/**
 * Parses the allow-list file:
 *
 * ```yaml
 * allow:
 *   - entry: dns-rebinding-protection # or scenario:check-id, or "*"
 *     reason: the hub's HTTP face checks Host and Origin; the server does not
 *     selections: [2025-11-25] # optional filters, each "any" when left out
 *     upstreams: [stdio]
 *     direct: [fail] # outcomes (pass, fail, absent) the difference must have
 *     hub: [pass]
 * ```
 */
export function parseAllowList(
  text: string,
  known: { selections: string[]; upstreams: string[] },
): Allowance[] {
  const data: unknown = parse(text);
  if (data === null || data === undefined) return [];
  const list = (data as { allow?: unknown }).allow ?? [];
  if (typeof data !== 'object' || Array.isArray(data) || !Array.isArray(list))
    throw new Error('expected a map with an allow list');
  // A misspelt filter value would make an allowance apply nowhere, and so never be stale either.
  const strings = (value: unknown, what: string, allowed?: string[]): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw new Error(`${what} must be a list of strings`);
    const bad = allowed && value.find((v) => !allowed.includes(v));
    if (bad) throw new Error(`${what}: "${bad}" is not one of ${allowed.join(', ')}`);
    return value;
  };
  const outcomes: Outcome[] = ['pass', 'fail', 'absent'];
  return list.map((item: unknown, i) => {
    const { entry, reason, selections, upstreams, direct, hub, ...rest } = (item ?? {}) as Record<
      string,
      unknown
    >;
    const where = `allow[${i}]`;
    if (typeof entry !== 'string' || entry === '')
      throw new Error(`${where}: entry must be "scenario" or "scenario:check-id"`);
    if (typeof reason !== 'string' || reason.trim() === '')
      throw new Error(`${where} (${entry}): reason is required`);
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new Error(`${where} (${entry}): unknown field ${unknown.join(', ')}`);
    const allowance: Allowance = { entry, reason };
    const s = strings(selections, `${where}.selections`, known.selections);
    const u = strings(upstreams, `${where}.upstreams`, known.upstreams);
    const d = strings(direct, `${where}.direct`, outcomes) as Outcome[] | undefined;
    const h = strings(hub, `${where}.hub`, outcomes) as Outcome[] | undefined;
    if (s) allowance.selections = s;
    if (u) allowance.upstreams = u;
    if (d) allowance.direct = d;
    if (h) allowance.hub = h;
    return allowance;
  });
}

function oneLine(message: string | undefined): string {
  return (message ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
}
