import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validatorFor } from './json-schema.ts';
import { loadWorkflow, parseWorkflow } from './load.ts';
import { renderWorkflowSchema, WORKFLOW_SCHEMA_PATH } from './write-json-schema.ts';

// The example users read first: it must stay a valid workflow.
const docs = readFileSync(new URL('../../docs/workflows.md', import.meta.url), 'utf8');
const example = /```yaml\n([\s\S]*?)```/.exec(docs)?.[1] ?? '';

describe('published workflow JSON Schema and the documented example', () => {
  it('is up to date (run `npm run schema` after changing spec.ts)', () => {
    assert.equal(readFileSync(WORKFLOW_SCHEMA_PATH, 'utf8'), renderWorkflowSchema());
  });

  it('accepts the example in docs/workflows.md and rejects a misspelt field', () => {
    const validate = validatorFor(JSON.parse(renderWorkflowSchema()));
    assert.equal(validate(parse(example)), true, JSON.stringify(validate.errors));
    assert.equal(validate(parse(example.replace('retry:', 'retries:'))), false);
  });

  it('compiles the documented example, with dependencies inferred from its references', () => {
    const workflow = parseWorkflow(example, 'docs/workflows.md');
    assert.deepEqual(Object.fromEntries([...workflow.steps].map(([id, step]) => [id, step.needs])), {
      user: [],
      charge: ['user'],
      welcome: ['charge'],
      tag_all: ['user'],
      wait_ready: ['user'],
    });
  });

  it('loads the example from a .yaml file and names a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolmesh-wf-load-'));
    try {
      writeFileSync(join(dir, 'onboard.yaml'), example);
      assert.equal((await loadWorkflow(join(dir, 'onboard.yaml'))).name, 'onboard-user');
      await assert.rejects(
        loadWorkflow(join(dir, 'nope.yaml')),
        /nope\.yaml: file not found\. Fix: check the path/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
