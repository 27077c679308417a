/**
 * The baseline gate of `npm run conformance` (pure logic; the suite itself is not run here).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Check,
  compare,
  flakySection,
  formatBaseline,
  harden,
  parseBaseline,
  type ScenarioResult,
  tally,
} from './baseline.ts';

const check = (id: string, status: string, extra: Partial<Check> = {}): Check => ({ id, status, ...extra });
const scenario = (name: string, ...checks: Check[]): ScenarioResult => ({ scenario: name, checks });

describe('conformance baseline', () => {
  it('splits failures into expected, unexpected and stale entries', () => {
    const results = [
      scenario('a', check('a', 'FAILURE')),
      scenario('b', check('x', 'SUCCESS'), check('y', 'WARNING'), check('z', 'FAILURE')),
      scenario('c', check('c', 'SUCCESS')),
    ];
    const out = compare(results, { server: ['a', 'b:y', 'b:x', 'c', 'gone', 'gone:check'], flaky: [] });
    assert.deepEqual(out.expected, ['a', 'b:y']);
    assert.deepEqual(out.unexpected, ['b:z']);
    // b:x passed, c passed as a whole, and "gone" did not run at all.
    assert.deepEqual(out.stale.sort(), ['b:x', 'c', 'gone', 'gone:check']);
  });

  it('counts a repeated check id once, with its worst status; INFO and SKIPPED do not count', () => {
    const results = [scenario('s', check('p', 'SUCCESS'), check('p', 'FAILURE'), check('q', 'INFO'))];
    assert.deepEqual(compare(results, { server: [], flaky: [] }).unexpected, ['s:p']);
    assert.deepEqual(compare(results, { server: ['s:q'], flaky: [] }).stale, ['s:q']);
  });

  it('lets flaky entries fail or pass without being unexpected or stale', () => {
    const failing = [scenario('p', check('p', 'FAILURE'))];
    const passing = [scenario('p', check('p', 'SUCCESS'))];
    for (const flaky of [['p'], ['p:p']]) {
      assert.deepEqual(compare(failing, { server: [], flaky }), {
        expected: [],
        flaky: ['p:p'],
        unexpected: [],
        stale: [],
      });
      assert.deepEqual(compare(passing, { server: [], flaky }), {
        expected: [],
        flaky: [],
        unexpected: [],
        stale: [],
      });
    }
  });

  it('fails a passing tool-call check whose recorded result is an error (the weak check)', () => {
    const notFound = {
      result: { isError: true, content: [{ type: 'text', text: 'Tool test_simple_text not found' }] },
    };
    const hardened = harden(
      scenario('tools-call-simple-text', check('tools-call-simple-text', 'SUCCESS', { details: notFound })),
    );
    assert.equal(hardened.checks[0]?.status, 'FAILURE');
    assert.match(hardened.checks[0]?.errorMessage ?? '', /weak check.*not found/);
    // tools-call-error is supposed to return an error result.
    const error = harden(
      scenario('tools-call-error', check('tools-call-error', 'SUCCESS', { details: notFound })),
    );
    assert.equal(error.checks[0]?.status, 'SUCCESS');
  });

  it('writes a baseline that round-trips, keeping the flaky section verbatim', () => {
    const results = [
      scenario('whole', check('w1', 'FAILURE', { errorMessage: 'broken\nbadly' }), check('w2', 'SUCCESS')),
      scenario('part', check('p1', 'SUCCESS'), check('p2', 'FAILURE', { errorMessage: 'no' })),
      scenario('racy', check('r', 'FAILURE')),
      scenario('fine', check('f', 'SUCCESS')),
    ];
    const flaky = 'flaky:\n  # a race in the hub\n  - racy\n';
    const text = formatBaseline('Header line', results, (name) => name === 'whole', flaky);
    assert.match(
      text,
      /^# Header line\nserver:\n {2}# no\n {2}- part:p2\n {2}# broken badly\n {2}- whole\n\nflaky:/,
    );
    assert.equal(flakySection(text), flaky);
    const baseline = parseBaseline(text);
    assert.deepEqual(baseline, { server: ['part:p2', 'whole'], flaky: ['racy'] });
    const out = compare(results, baseline);
    assert.deepEqual([out.unexpected, out.stale], [[], []]);
    assert.equal(
      formatBaseline('H', [results[3] as ScenarioResult], () => false),
      '# H\nserver: []\n',
    );
  });

  it('rejects a baseline that is not a list of strings', () => {
    assert.deepEqual(parseBaseline(''), { server: [], flaky: [] });
    assert.throws(() => parseBaseline('server: nope'), /server must be a list/);
    assert.throws(() => parseBaseline('- a'), /expected a map/);
  });

  it('tallies every check the way the suite summary does', () => {
    const results = [
      scenario('a', check('1', 'SUCCESS'), check('1', 'SUCCESS'), check('2', 'WARNING'), check('3', 'INFO')),
    ];
    assert.deepEqual(tally(results), { scenarios: 1, passed: 2, failed: 0, warnings: 1 });
  });
});
