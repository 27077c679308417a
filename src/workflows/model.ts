/**
 * The typed model of a workflow, compiled once from a validated file (`compile.ts`): every expression
 * parsed, every step's dependencies known (explicit `needs` plus the steps its expressions refer to).
 */
import type { Expression } from './expr.ts';
import type { Template } from './template.ts';

/** A tool and its templated arguments. */
export interface ToolCall {
  readonly tool: string;
  readonly args: Template;
}

/** One variable path an expression reads, and the field of the file it was written in. */
export interface Reference {
  /** e.g. `steps.store.args.key` */
  readonly field: string;
  /** e.g. `['steps', 'fetch', 'result', 'id']` */
  readonly path: readonly string[];
}

/** One step, compiled. */
export interface Step {
  readonly id: string;
  readonly tool: string;
  readonly args: Template;
  /** Every step this one waits for: `needs` plus steps referenced by its expressions. Sorted. */
  readonly needs: readonly string[];
  readonly when?: Expression;
  readonly forEach?: { readonly items: Expression; readonly concurrency: number };
  readonly until?: { readonly condition: Expression; readonly max: number; readonly delayMs: number };
  /** Limit per call, in milliseconds. */
  readonly timeoutMs?: number;
  readonly retry?: { readonly attempts: number; readonly delayMs: number; readonly maxDelayMs: number };
  readonly fallback?: ToolCall;
  readonly compensate?: ToolCall;
  /** As declared; undefined means "ask the tool's annotations". */
  readonly idempotent?: boolean;
  /** Capacity units taken on the tool's server while a call runs. */
  readonly slots: number;
  readonly refs: readonly Reference[];
}

/** A compiled workflow, ready to validate against a catalog and run. */
export interface Workflow {
  readonly name: string;
  readonly description?: string;
  /** The file it came from, for messages. */
  readonly file: string;
  /** The file's text: stored with each run, so a resumed run uses the same graph. */
  readonly source: string;
  /** JSON Schema of the inputs object. */
  readonly inputs?: Record<string, unknown>;
  /** In file order. */
  readonly steps: ReadonlyMap<string, Step>;
  readonly outputs: Template;
  readonly outputRefs: readonly Reference[];
  /** Line and column of a field path such as `steps.fetch.args.id` in the file, when known. */
  readonly locate: (path: string) => { line: number; column: number } | undefined;
}
