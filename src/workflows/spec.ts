/**
 * The zod schema of a workflow file: the single source for validation, the TypeScript types and the
 * published JSON Schema (`schema/workflow.schema.json`, see `write-json-schema.ts`).
 *
 * Expressions are CEL: `when`, `until.condition` and `forEach.items` are bare expressions; `args`,
 * `fallback.args`, `compensate.args` and `outputs` are values whose strings may hold `${{ expression }}`.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax
import { z } from 'zod';

/** Step ids are CEL identifiers, so `steps.<id>` reads naturally in expressions. */
export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const ms = z.number().int().min(1).max(2_147_483_647);
const expression = z.string().min(1).describe('A CEL expression, e.g. steps.fetch.result.count > 0');
const args = z
  .record(z.string(), z.unknown())
  .describe('Tool arguments; strings may contain ${{ expression }} templates');

/** A tool call with its arguments: the shape of `fallback` and `compensate`. */
export const toolCallSchema = z.strictObject({
  tool: z.string().min(1).describe('Catalog name of the tool, e.g. db__create_user'),
  args: args.optional(),
});

export const retrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(100).describe('Total attempts, including the first'),
  delayMs: ms.optional().describe('Wait before the first retry (default 100)'),
  maxDelayMs: ms.optional().describe('Upper bound of the doubling delay (default 30000)'),
});

export const stepSchema = z.strictObject({
  tool: z.string().min(1).describe('Catalog name of the tool to call, e.g. echo__echo'),
  description: z.string().optional(),
  args: args.optional(),
  needs: z.array(z.string()).optional().describe('Steps to wait for besides those referenced in expressions'),
  when: expression.optional().describe('Run only when this is true; otherwise the step is skipped'),
  forEach: z
    .strictObject({
      items: expression.describe('A list; the step runs once per element, as `item` (and `index`)'),
      concurrency: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe('Items in flight at once (default 4)'),
    })
    .optional(),
  until: z
    .strictObject({
      condition: expression.describe(
        'Checked after each call with `result` and `iteration`; true ends the loop',
      ),
      max: z.number().int().min(1).max(10_000).describe('Most calls before the step fails'),
      delayMs: z.number().int().min(0).max(3_600_000).optional().describe('Wait between calls (default 0)'),
    })
    .optional(),
  timeoutMs: ms.optional().describe('Limit for each call of the tool'),
  retry: retrySchema.optional(),
  fallback: toolCallSchema.optional().describe('Called when the tool still fails after its retries'),
  compensate: toolCallSchema
    .optional()
    .describe('Undoes this step when a later step fails; `result` is this step’s result'),
  idempotent: z
    .boolean()
    .optional()
    .describe('Safe to call twice; default from the tool’s idempotentHint / readOnlyHint annotations'),
  slots: z.number().int().min(1).max(1000).optional().describe('Capacity units the step takes on its server'),
});

export const workflowFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('Workflow name: letters, digits, "_" and "-"'),
  description: z.string().optional(),
  inputs: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('JSON Schema (2020-12) of the inputs object, e.g. {type: object, properties: {...}}'),
  steps: z.record(z.string().regex(STEP_ID), stepSchema).describe('Steps by id, in any order'),
  outputs: z.record(z.string(), z.unknown()).optional().describe('Result values; may use ${{ }} templates'),
});

export type WorkflowFile = z.infer<typeof workflowFileSchema>;
export type StepSpec = z.infer<typeof stepSchema>;
export type ToolCallSpec = z.infer<typeof toolCallSchema>;
