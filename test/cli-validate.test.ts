// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
/**
 * `toolmesh validate` covers workflows: the config's `workflows:` files and files given as arguments,
 * checked against the catalog of the started servers (unknown tools, literal arguments against the tool's
 * schema) or, with --offline, structurally (steps, references, cycles) without starting anything.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { toolmesh } from './support/cli.ts';
import { scratchDir } from './workflows/_helpers.ts';

describe('toolmesh validate with workflows', { timeout: 120_000 }, () => {
  const scratch = scratchDir();
  after(() => scratch.remove());
  const config = join(scratch.dir, 'toolmesh.yaml');
  writeFileSync(
    config,
    `servers:\n  echo:\n    command: ${JSON.stringify(nodeBin)}\n    args: [${JSON.stringify(fixturePath('echo'))}, --stdio]\nworkflows: [flows/good.yaml]\n`,
  );
  const write = (name: string, text: string) => {
    const file = join(scratch.dir, name);
    writeFileSync(file, text);
    return file;
  };
  const flows = join(scratch.dir, 'flows');
  mkdirSync(flows);
  write(
    'flows/good.yaml',
    `name: good
steps:
  a: { tool: echo__echo, args: { text: hi } }
  b: { tool: echo__echo, args: { text: "\${{ steps.a.result.text }}" } }
  c: { tool: echo__echo, needs: [a], args: { text: c } }
`,
  );
  const badTool = write(
    'bad-tool.yaml',
    `name: bad_tool
steps:
  a: { tool: echo__ech, args: { text: hi } }
  b: { tool: echo__add, args: { a: "one", b: 2 } }
`,
  );
  const cycle = write(
    'cycle.yaml',
    `name: cycle
steps:
  a: { tool: echo__echo, args: { text: "\${{ steps.b.result }}" } }
  b: { tool: echo__echo, args: { text: "\${{ steps.a.result }}" } }
`,
  );

  it('checks the config workflows against the started servers catalog and reports each plan', async () => {
    const run = await toolmesh(['validate', '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /good\.yaml: workflow good valid \(3 steps in 2 levels, critical path a → b\)/);
  });

  it('names file, line, field and fix for an unknown tool and a literal argument of the wrong type', async () => {
    const run = await toolmesh(['validate', '--config', config, badTool]);
    assert.equal(run.code, 3, run.stdout);
    assert.match(
      run.stderr,
      /bad-tool\.yaml:3:\d+ steps\.a\.tool: unknown tool "echo__ech"\. Fix: did you mean "echo__echo"\?/,
    );
    assert.match(run.stderr, /bad-tool\.yaml:4:\d+ steps\.b\.args\.a: .*number/);
  });

  it('checks composites: their branch tools against the catalog, their templates always', async () => {
    const withComposites = write(
      'composites.yaml',
      `servers:\n  echo:\n    command: ${JSON.stringify(nodeBin)}\n    args: [${JSON.stringify(fixturePath('echo'))}, --stdio]\n` +
        'composites:\n  both:\n    branches:\n      - { tool: echo__echo, args: { text: "${{ args.q }}" } }\n' +
        '      - { tool: echo__nope }\n',
    );
    const online = await toolmesh(['validate', '--config', withComposites]);
    assert.equal(online.code, 3, online.stdout);
    assert.match(online.stderr, /composites\.both\.branches\[1\]\.tool: unknown tool "echo__nope"/);
    writeFileSync(withComposites, readFileSync(withComposites, 'utf8').replace('args.q }}', 'args.q + }}'));
    const offline = await toolmesh(['validate', '--config', withComposites, '--offline']);
    assert.equal(offline.code, 3, offline.stdout);
    assert.match(offline.stderr, /composites\.both\.branches\[0\]\.args\.text: /);
  });

  it('--offline starts nothing, still finds a cycle, and says the tools were not checked', async () => {
    const run = await toolmesh(['validate', '--config', config, '--offline', cycle, badTool, '--json']);
    assert.equal(run.code, 3);
    const report = JSON.parse(run.stdout) as {
      valid: boolean;
      toolsChecked: boolean;
      workflows: { name: string; issues: { message: string }[] }[];
    };
    assert.equal(report.valid, false);
    assert.equal(report.toolsChecked, false);
    const byName = new Map(report.workflows.map((w) => [w.name, w.issues.map((i) => i.message)]));
    assert.deepEqual(byName.get('good'), []);
    assert.deepEqual(byName.get('bad_tool'), [], 'tools are not checked offline');
    assert.match(byName.get('cycle')?.[0] ?? '', /cycle: (a → b → a|b → a → b)/);
  });
});
