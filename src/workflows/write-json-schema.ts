/**
 * Generates `schema/workflow.schema.json` from the zod schema in `spec.ts`, so editors validate and
 * complete workflow files (`# yaml-language-server: $schema=.../workflow.schema.json`). Run
 * `npm run schema` after changing `spec.ts`; a test fails while the published file is out of date.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { workflowFileSchema } from './spec.ts';

/** Where the published schema lives. */
export const WORKFLOW_SCHEMA_PATH = resolve(import.meta.dirname, '../../schema/workflow.schema.json');

/** The file's exact text: JSON Schema 2020-12 of what users write, two-space indent, final newline. */
export function renderWorkflowSchema(): string {
  const { $schema, ...rest } = z.toJSONSchema(workflowFileSchema, { target: 'draft-2020-12', io: 'input' });
  const schema = {
    $schema,
    title: 'ToolMesh workflow',
    description:
      'A workflow file: typed inputs, steps that call catalog tools with ${{ CEL }} templated arguments, ' +
      'and outputs. See docs/workflows.md.',
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(WORKFLOW_SCHEMA_PATH, renderWorkflowSchema());
  console.log(`wrote ${WORKFLOW_SCHEMA_PATH}`);
}
