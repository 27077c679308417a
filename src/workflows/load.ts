/**
 * Reads a workflow file: YAML (or JSON) → zod → compiled `Workflow`. Every problem becomes a
 * `ConfigIssue` naming the file, line, field and a fix; all of them are thrown together in one `ConfigError`.
 */
import { readFile, stat } from 'node:fs/promises';
import type { core } from 'zod';
import { ConfigError, type ConfigIssue, formatPath } from '../config/config-error.ts';
import { MAX_CONFIG_BYTES } from '../config/load.ts';
import { parseSource } from '../config/source.ts';
import { didYouMean } from '../config/suggest.ts';
import { compileWorkflow } from './compile.ts';
import type { Workflow } from './model.ts';
import { stepSchema, toolCallSchema, workflowFileSchema } from './spec.ts';

/** Workflow files are a few kilobytes; anything near this is a mistake (same cap as config files). */
const MAX_WORKFLOW_BYTES = MAX_CONFIG_BYTES;

/** Reads and compiles the workflow at `path`. @throws ConfigError (file unreadable, too large or invalid). */
export async function loadWorkflow(path: string): Promise<Workflow> {
  const fail = (message: string, fix: string) => new ConfigError([{ file: path, path: '', message, fix }]);
  let text: string;
  try {
    if ((await stat(path)).size > MAX_WORKFLOW_BYTES)
      throw fail('file too large', 'a workflow file is YAML of a few KB');
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw fail(missing ? 'file not found' : 'cannot read file', 'check the path');
  }
  return parseWorkflow(text, path);
}

/** Compiles workflow text; `file` is only used in messages. @throws ConfigError listing every issue. */
export function parseWorkflow(text: string, file: string): Workflow {
  const source = parseSource(text, file, file.toLowerCase().endsWith('.json'));
  const locate = (path: string) => source.locate(path.split(/[.[\]]+/).filter(Boolean));
  const withPosition = (issue: ConfigIssue): ConfigIssue => ({ ...issue, ...locate(issue.path) });
  const parsed = workflowFileSchema.safeParse(source.data);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.flatMap((issue) => fromZodIssue(issue, file)).map(withPosition),
    );
  }
  const { workflow, issues } = compileWorkflow(parsed.data, file, text, locate);
  if (!workflow) throw new ConfigError(issues.map(withPosition));
  return workflow;
}

const KNOWN: Record<string, readonly string[]> = {
  file: Object.keys(workflowFileSchema.shape),
  step: Object.keys(stepSchema.shape),
  call: Object.keys(toolCallSchema.shape),
};

/** Zod's issue in the file's words: the field and what to write there. */
function fromZodIssue(issue: core.$ZodIssue, file: string): ConfigIssue[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = issue.path.length === 0 ? KNOWN.file : issue.path.length === 2 ? KNOWN.step : KNOWN.call;
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known ?? []);
      const fix = guess
        ? `did you mean "${guess}"?`
        : `remove it (known fields: ${(known ?? []).join(', ')})`;
      return { file, path: formatPath([...issue.path, key]), message: 'unknown field', fix };
    });
  }
  if (issue.code === 'invalid_key' || (issue.code === 'invalid_format' && issue.path[0] === 'steps')) {
    return [
      {
        file,
        path,
        message: 'invalid step id',
        fix: 'start with a letter or "_", then letters, digits or "_" (at most 64)',
      },
    ];
  }
  const expected = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
  return [
    { file, path, message: expected, fix: 'see schema/workflow.schema.json for what this field accepts' },
  ];
}
