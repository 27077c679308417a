// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/**
 * Validation before running, one test per class of mistake, against the catalog of a real hub. Every
 * issue must name the file, the field and a fix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, type ConfigIssue } from '../../src/config/config-error.ts';
import type { TestHub } from '../../src/testing/test-hub.ts';
import { parseWorkflow } from '../../src/workflows/load.ts';
import { validateWorkflow } from '../../src/workflows/validate.ts';
import { fixtureHub } from './_helpers.ts';

let hub: TestHub;
before(async () => {
  hub = await fixtureHub();
});
after(() => hub.close());

/** The issues of `yaml` (parse + validate), as `path: message. Fix: fix` lines. */
function issuesOf(yaml: string): ConfigIssue[] {
  try {
    validateWorkflow(parseWorkflow(`name: wf\n${yaml}`, 'flow.yaml'), hub.hub.catalog.tools);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    for (const issue of error.issues) assert.equal(issue.file, 'flow.yaml');
    return error.issues;
  }
  assert.fail('expected the workflow to be rejected');
}
const one = (yaml: string) => {
  const issues = issuesOf(yaml);
  assert.equal(issues.length, 1, issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return issues[0] as ConfigIssue;
};

describe('workflow validation', { timeout: 60_000 }, () => {
  it('accepts a valid workflow and returns its plan', () => {
    const plan = validateWorkflow(
      parseWorkflow(
        `name: ok
inputs: { type: object, properties: { who: { type: string } } }
steps:
  a: { tool: echo__echo, args: { text: "\${{ inputs.who }}" } }
  b: { tool: echo__add, args: { a: "\${{ size(steps.a.result.text) }}", b: 2 } }
  c: { tool: echo__echo, args: { text: x }, needs: [a] }
`,
        'ok.yaml',
      ),
      hub.hub.catalog.tools,
    );
    assert.deepEqual(plan.levels, [['a'], ['b', 'c']]);
  });

  it('rejects unknown tools with a suggestion', () => {
    const issue = one('steps:\n  a: { tool: echo__ecko, args: { text: x } }\n');
    assert.deepEqual(
      [issue.path, issue.message, issue.fix],
      ['steps.a.tool', 'unknown tool "echo__ecko"', 'did you mean "echo__echo"?'],
    );
    assert.equal(issue.line, 3);
    const fallback = one('steps:\n  a: { tool: echo__whoami, fallback: { tool: nope__x } }\n');
    assert.equal(fallback.path, 'steps.a.fallback.tool');
  });

  it('rejects cycles, naming the steps', () => {
    const issue = one(`steps:
  a: { tool: echo__echo, args: { text: "\${{ steps.c.result.text }}" } }
  b: { tool: echo__echo, args: { text: "\${{ steps.a.result.text }}" } }
  c: { tool: echo__echo, args: { text: x }, needs: [b] }
`);
    assert.match(issue.message, /^steps form a cycle: (a → b → c → a|b → c → a → b|c → a → b → c)$/);
  });

  it('rejects references to missing steps, step fields, output fields, inputs and variables', () => {
    const issues = issuesOf(`inputs: { type: object, properties: { name: { type: string } } }
steps:
  a: { tool: echo__echo, args: { text: "\${{ steps.nope.result }}" }, needs: [ghost] }
  b: { tool: echo__echo, args: { text: "\${{ steps.a.output }}" } }
  c: { tool: echo__echo, args: { text: "\${{ steps.a.result.txt }}" } }
  d: { tool: echo__echo, args: { text: "\${{ inputs.nme }}" } }
  e: { tool: echo__echo, args: { text: "\${{ input.name }}" } }
  f: { tool: echo__echo, args: { text: "\${{ item }}" } }
`);
    const found = issues.map((i) => `${i.path}: ${i.message} | ${i.fix}`);
    assert.deepEqual(found, [
      'steps.a.needs: unknown step "ghost" | known steps: a, b, c, d, e, f',
      'steps.a.args.text: unknown step "nope" | known steps: a, b, c, d, e, f',
      'steps.b.args.text: unknown field "output" of step "a" | use steps.a.result or steps.a.status',
      'steps.c.args.text: echo__echo has no output field "txt" | did you mean "text"?',
      'steps.d.args.text: unknown input "nme" | did you mean "name"? (declare it under inputs.properties)',
      'steps.e.args.text: unknown variable "input" | use one of inputs, steps',
      'steps.f.args.text: unknown variable "item" | use one of inputs, steps',
    ]);
  });

  it('checks literal arguments against the tool input schema, leaving templated ones to run time', () => {
    const issues = issuesOf(`steps:
  a: { tool: echo__add, args: { a: seven } }
  b: { tool: echo__add, args: { a: "\${{ 1 }}", b: 2 } }
  c: { tool: echo__echo, args: {}, compensate: { tool: echo__add, args: { a: 1, b: [2] } } }
`);
    assert.deepEqual(
      issues.map((i) => `${i.path}: ${i.message}`),
      [
        'steps.a.args.b: required argument is missing',
        'steps.a.args.a: argument must be number',
        'steps.c.args.text: required argument is missing',
        'steps.c.compensate.args.b: argument must be number',
      ],
    );
  });

  it('reports file mistakes and bad expressions with the field and a fix', () => {
    const misspelt = issuesOf('steps:\n  a: { toool: echo__echo }\n').map(
      (i) => `${i.path}: ${i.message} | ${i.fix}`,
    );
    assert.deepEqual(misspelt.sort(), [
      'steps.a.tool: expected string | see schema/workflow.schema.json for what this field accepts',
      'steps.a.toool: unknown field | did you mean "tool"?',
    ]);
    const badId = one('steps:\n  "my step": { tool: echo__whoami }\n');
    assert.equal(badId.message, 'invalid step id');
    const when = one('steps:\n  a: { tool: echo__whoami, when: "1 +" }\n');
    assert.equal(when.path, 'steps.a.when');
    assert.match(when.message, /^invalid expression: /);
    const template = one('steps:\n  a: { tool: echo__echo, args: { text: "x ${{ ) }}" } }\n');
    assert.equal(template.path, 'steps.a.args.text');
    assert.equal(template.line, 3);
    const inputs = one('inputs: { type: nonsense }\nsteps: {}\n');
    assert.equal(inputs.path, 'inputs');
  });
});
