/**
 * The transparency gate of `npm run conformance` (pure logic; the suite itself is not run here):
 * server-everything's results through the hub must equal its direct results, check by check,
 * except for differences the allow-list excuses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Check, ScenarioResult } from './baseline.ts';
import {
  type Allowance,
  type Difference,
  differences,
  formatDifferences,
  judge,
  parseAllowList,
} from './transparency.ts';

const check = (id: string, status: string, errorMessage?: string): Check => ({ id, status, errorMessage });
const scenario = (name: string, ...checks: Check[]): ScenarioResult => ({ scenario: name, checks });
const known = { selections: ['v0.1.16', '2025-11-25', '2026-07-28'], upstreams: ['stdio', 'http'] };
const diff = (entry: string, direct: Difference['direct'], hub: Difference['hub']): Difference => ({
  entry,
  direct,
  hub,
  message: '',
});

describe('conformance transparency', () => {
  it('finds no difference when every check passes or fails alike', () => {
    const results = [
      scenario('a', check('x', 'SUCCESS'), check('y', 'FAILURE', 'no')),
      scenario('b', check('b', 'WARNING')),
    ];
    // WARNING and FAILURE both fail; INFO and SKIPPED count as nothing on either side.
    const hub = [
      scenario('a', check('x', 'SUCCESS'), check('y', 'WARNING', 'no'), check('i', 'INFO')),
      scenario('b', check('b', 'FAILURE'), check('s', 'SKIPPED')),
    ];
    assert.deepEqual(differences(results, hub), []);
  });

  it('reports each check that passes, fails or is reported on one side only', () => {
    const direct = [
      scenario(
        'a',
        check('gained', 'FAILURE', 'direct says no'),
        check('lost', 'SUCCESS'),
        check('gone', 'SUCCESS'),
      ),
      // A repeated id counts once, with its worst status.
      scenario('r', check('r', 'SUCCESS'), check('r', 'FAILURE', 'second probe')),
    ];
    const hub = [
      scenario(
        'a',
        check('gained', 'SUCCESS'),
        check('lost', 'FAILURE', 'hub says no'),
        check('new', 'FAILURE'),
      ),
      scenario('r', check('r', 'SUCCESS')),
    ];
    assert.deepEqual(differences(direct, hub), [
      { entry: 'a:gained', direct: 'fail', hub: 'pass', message: 'direct says no' },
      { entry: 'a:gone', direct: 'pass', hub: 'absent', message: '' },
      { entry: 'a:lost', direct: 'pass', hub: 'fail', message: 'hub says no' },
      { entry: 'a:new', direct: 'absent', hub: 'fail', message: '' },
      { entry: 'r:r', direct: 'fail', hub: 'pass', message: 'second probe' },
    ]);
  });

  it('reports a scenario that ran on one side only once, as a whole', () => {
    const direct = [
      scenario('only-direct', check('c1', 'SUCCESS'), check('c2', 'SUCCESS')),
      scenario('empty'),
    ];
    assert.deepEqual(differences(direct, [scenario('empty')]), [
      { entry: 'only-direct', direct: 'pass', hub: 'absent', message: '' },
    ]);
  });

  it('allows differences by entry, selection, upstream and outcome, and flags stale allowances', () => {
    const found = [diff('a:x', 'fail', 'pass'), diff('a:y', 'pass', 'fail'), diff('b:z', 'absent', 'fail')];
    const allowances: Allowance[] = [
      { entry: 'a', reason: 'r', hub: ['pass'] }, // a:x only: a:y got worse
      { entry: 'b:z', reason: 'r', selections: ['2026-07-28'] },
      { entry: 'c', reason: 'r', upstreams: ['http'] }, // matches nothing
      { entry: 'a:y', reason: 'r', upstreams: ['stdio'] },
    ];
    const viaHttp = judge(found, allowances, '2026-07-28', 'http');
    assert.deepEqual(
      viaHttp.allowed.map((a) => [a.difference.entry, a.by.entry]),
      [
        ['a:x', 'a'],
        ['b:z', 'b:z'],
      ],
    );
    assert.deepEqual(viaHttp.disallowed, [found[1]]);
    assert.deepEqual(
      viaHttp.stale.map((a) => a.entry),
      ['c'],
    );
    // Via stdio in another selection: b:z's allowance does not apply, c's neither.
    const viaStdio = judge(found, allowances, '2025-11-25', 'stdio');
    assert.deepEqual(
      viaStdio.disallowed.map((d) => d.entry),
      ['b:z'],
    );
    assert.deepEqual(viaStdio.stale, []);
  });

  it('lets "*" cover every difference its outcome filters admit, and a scenario entry a whole scenario', () => {
    const found = [
      diff('a:x', 'fail', 'pass'),
      diff('b:y', 'pass', 'absent'),
      diff('gone', 'pass', 'absent'),
    ];
    const verdict = judge(
      found,
      [
        { entry: '*', reason: 'r', direct: ['fail', 'absent'] },
        { entry: 'gone', reason: 'r' },
      ],
      'v0.1.16',
      'stdio',
    );
    assert.deepEqual(
      verdict.allowed.map((a) => a.difference.entry),
      ['a:x', 'gone'],
    );
    assert.deepEqual(
      verdict.disallowed.map((d) => d.entry),
      ['b:y'],
    );
  });

  it('parses the allow-list, insisting on a reason and on known filter values', () => {
    assert.deepEqual(parseAllowList('', known), []);
    assert.deepEqual(parseAllowList('allow: []', known), []);
    assert.deepEqual(
      parseAllowList(
        'allow:\n  - entry: a:b\n    reason: why\n    selections: [2026-07-28]\n    hub: [pass]\n',
        known,
      ),
      [{ entry: 'a:b', reason: 'why', selections: ['2026-07-28'], hub: ['pass'] }],
    );
    assert.throws(() => parseAllowList('allow:\n  - entry: a\n', known), /reason is required/);
    assert.throws(() => parseAllowList('allow:\n  - reason: r\n', known), /entry must be/);
    assert.throws(
      () => parseAllowList('allow:\n  - {entry: a, reason: r, why: x}\n', known),
      /unknown field why/,
    );
    assert.throws(
      () => parseAllowList('allow:\n  - {entry: a, reason: r, selections: [2025-11-26]}\n', known),
      /"2025-11-26" is not one of/,
    );
    assert.throws(
      () => parseAllowList('allow:\n  - {entry: a, reason: r, hub: [ok]}\n', known),
      /"ok" is not one/,
    );
    assert.throws(() => parseAllowList('allow: nope', known), /allow list/);
    assert.throws(() => parseAllowList('- entry: a', known), /allow list/);
  });

  it('keeps the allow-list in this folder valid', () => {
    const text = readFileSync(new URL('./transparency-allow.yaml', import.meta.url), 'utf8');
    for (const allowance of parseAllowList(text, known))
      assert.ok(allowance.reason.length > 20, allowance.entry);
  });

  it('prints a difference seen with both upstreams once, and counts what "*" allows', () => {
    const star: Allowance = { entry: '*', reason: 'r' };
    const named: Allowance = { entry: 'a', reason: 'r' };
    const verdict = (upstream: string) => ({
      differences: [],
      allowed: [
        { difference: diff('a:x', 'pass', 'fail'), by: named },
        { difference: diff('s:1', 'fail', 'pass'), by: star },
        { difference: diff('s:2', 'fail', 'pass'), by: star },
      ],
      disallowed: upstream === 'http' ? [{ ...diff('b:y', 'pass', 'fail'), message: 'broken' }] : [],
      stale: [],
    });
    const runs = ['stdio', 'http'].map((upstream) => ({
      selection: '2026-07-28',
      upstream,
      verdict: verdict(upstream),
    }));
    assert.deepEqual(formatDifferences(runs, false), [
      '2026-07-28:',
      '  allowed  a:x: pass directly, fail through the hub',
      '  DIFFERS  b:y: pass directly, fail through the hub  (broken)  [http only]',
      '  allowed  2 more by the "*" allowance (--verbose lists them)',
    ]);
    assert.equal(formatDifferences(runs, true).length, 5);
    assert.deepEqual(
      formatDifferences([{ selection: 'v0.1.16', upstream: 'stdio', verdict: verdict('stdio') }], true),
      [
        'v0.1.16:',
        '  allowed  a:x: pass directly, fail through the hub',
        '  allowed  s:1: fail directly, pass through the hub',
        '  allowed  s:2: fail directly, pass through the hub',
      ],
    );
  });
});
