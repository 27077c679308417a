/**
 * The orchestration sections of the config file: `workflows` (workflow files served as tools),
 * `composites` (fan-out tools) and the per-server `capacity` workflows honour. Schema and model in one
 * place, kept apart from `schema.ts` so orchestration work and transport work do not edit the same file.
 * Tool names inside are checked against the catalog when the hub has one (`toolmesh validate`, start-up),
 * not here: this module reads nothing but the config.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ConfigIssue } from './config-error.ts';
import type { Position } from './source.ts';

/** A name every client accepts; the same rule as `VALID_NAME` in catalog/naming.ts (config imports nothing). */
const TOOL_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export const AGGREGATES = ['concat', 'first-success', 'dedupe', 'vote'] as const;
/** How a composite combines its branches' results (docs/composites.md). */
export type Aggregate = (typeof AGGREGATES)[number];

/** Per-server field: capacity units workflow steps may hold on the server at once. */
export const orchestrationServerFields = {
  capacity: z
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe(
      'Capacity units of this server that workflow steps may hold at once (a step takes `slots`, default 1); default unlimited.',
    ),
};

const branchSchema = z
  .strictObject({
    id: z
      .string()
      .regex(TOOL_NAME_RE)
      .optional()
      .describe('Name of the branch in the result (default: the tool).'),
    tool: z.string().min(1).describe("A tool's name in the hub's catalog."),
    args: z.record(z.string(), z.unknown()).optional().describe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${{ }} is the template syntax
      "Arguments; strings may hold ${{ expression }} over `args` (the composite call's arguments).",
    ),
  })
  .meta({ id: 'CompositeBranch' });

export const compositeSchema = z
  .strictObject({
    title: z.string().optional(),
    description: z.string().optional().describe('Shown to clients as the tool description.'),
    inputSchema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON Schema of the arguments (default: any object).'),
    branches: z.array(branchSchema).min(1).max(256).describe('Tool calls run in parallel.'),
    aggregate: z
      .enum(AGGREGATES)
      .optional()
      .describe(
        'concat (default): every success, lists flattened | first-success: the first to succeed, the rest cancelled | dedupe: concat, one item per `key` | vote: the value most branches returned',
      ),
    key: z.string().min(1).optional().describe('dedupe: the field (dot path) that identifies an item.'),
    minSuccesses: z
      .int()
      .min(1)
      .optional()
      .describe('Fewer successes than this make the call an error (default 1).'),
    timeoutMs: z
      .int()
      .min(1)
      .max(86_400_000)
      .optional()
      .describe('Branches still running then count as failed.'),
  })
  .meta({
    id: 'Composite',
    description: 'A tool that calls several tools in parallel and combines their results.',
  });

/** The top-level sections. */
export const orchestrationFields = {
  workflows: z
    .array(z.string().min(1))
    .optional()
    .describe('Workflow files (YAML) served as tools; relative to this file; globs allowed.'),
  composites: z
    .record(z.string().regex(TOOL_NAME_RE), compositeSchema)
    .optional()
    .describe('Fan-out tools by served name (1-64 of A-Z a-z 0-9 _ -).'),
};

/** One branch of a composite. */
export interface CompositeBranch {
  /** Unique within the composite. */
  readonly id: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/** A composite tool as configured. */
export interface CompositeConfig {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema?: Record<string, unknown>;
  readonly branches: readonly CompositeBranch[];
  readonly aggregate: Aggregate;
  readonly key?: string;
  readonly minSuccesses: number;
  readonly timeoutMs?: number;
}

interface SectionContext {
  file: string;
  dir: string;
  locate(path: readonly PropertyKey[]): Position | undefined;
  issues: ConfigIssue[];
}

/** `workflows` as absolute paths or globs (expanded when loaded, by the workflows module). */
export function resolveWorkflowPaths(raw: unknown, ctx: SectionContext): string[] {
  const parsed = orchestrationFields.workflows.safeParse(raw);
  return (parsed.data ?? []).map((path) => resolve(ctx.dir, path));
}

/** `composites` as models, after the checks that span fields (dedupe needs a key; enough branches). */
export function resolveComposites(raw: unknown, ctx: SectionContext): CompositeConfig[] {
  const parsed = orchestrationFields.composites.safeParse(raw);
  const composites: CompositeConfig[] = [];
  const issue = (path: PropertyKey[], message: string, fix: string) =>
    ctx.issues.push({ file: ctx.file, ...ctx.locate(path), path: path.join('.'), message, fix });
  for (const [name, entry] of Object.entries(parsed.data ?? {})) {
    const aggregate = entry.aggregate ?? 'concat';
    const minSuccesses = entry.minSuccesses ?? 1;
    if (aggregate === 'dedupe' && entry.key === undefined) {
      issue(['composites', name, 'key'], 'dedupe needs a key', 'add key: <field that identifies an item>');
    }
    if (minSuccesses > entry.branches.length) {
      issue(
        ['composites', name, 'minSuccesses'],
        `${minSuccesses} successes asked of ${entry.branches.length} branches`,
        `set minSuccesses to at most ${entry.branches.length}`,
      );
    }
    const seen = new Set<string>();
    const branches = entry.branches.map((branch, index) => {
      const id = branch.id ?? branch.tool;
      if (seen.has(id)) {
        issue(
          ['composites', name, 'branches', index],
          `branch "${id}" is named twice`,
          'give each branch its own id',
        );
      }
      seen.add(id);
      return { id, tool: branch.tool, args: branch.args ?? {} };
    });
    composites.push({ ...entry, name, aggregate, minSuccesses, branches });
  }
  return composites;
}
