// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validatorFor } from './json-schema.ts';
import { renderWorkflowSchema, WORKFLOW_SCHEMA_PATH } from './write-json-schema.ts';

const example = `
name: onboard
inputs: { type: object, properties: { email: { type: string } }, required: [email] }
steps:
  user:
    tool: db__create_user
    args: { email: "\${{ inputs.email }}" }
    retry: { attempts: 3 }
    compensate: { tool: db__delete_user, args: { id: "\${{ result.id }}" } }
  welcome: { tool: mail__send, args: { to: "\${{ inputs.email }}" }, timeoutMs: 5000 }
outputs: { id: "\${{ steps.user.result.id }}" }
`;

describe('published workflow JSON Schema', () => {
  it('is up to date (run `npm run schema` after changing spec.ts)', () => {
    assert.equal(readFileSync(WORKFLOW_SCHEMA_PATH, 'utf8'), renderWorkflowSchema());
  });

  it('accepts a valid workflow and rejects a misspelt field', () => {
    const validate = validatorFor(JSON.parse(renderWorkflowSchema()));
    assert.equal(validate(parse(example)), true, JSON.stringify(validate.errors));
    assert.equal(validate(parse(example.replace('retry:', 'retries:'))), false);
  });
});
