/**
 * The executor: runs a validated workflow on a `DurableRuntime`, starting each step as soon as every step
 * it needs has succeeded, and sending every tool call through the hub's call path (`CallFn`, the same one
 * a client's `tools/call` takes). When a step fails for good, no new step starts; steps in flight finish;
 * then the `compensate` calls of the steps that succeeded run in reverse order of completion.
 */
import { randomUUID } from 'node:crypto';
import { HubError } from '../errors.ts';
import type { CallFn } from '../pipeline/call.ts';
import { Capacity } from './capacity.ts';
import type { DurableRuntime, RunStatus } from './durable.ts';
import type { EventSink } from './events.ts';
import { validatorFor } from './json-schema.ts';
import { parseWorkflow } from './load.ts';
import type { Workflow } from './model.ts';
import type { Plan } from './plan.ts';
import { executeRun } from './run-dag.ts';
import type { RunContext } from './tool-call.ts';
import { type ToolCatalog, validateWorkflow } from './validate.ts';

/** What an executor runs on. */
export interface ExecutorOptions {
  /** The hub's call path (`hub.call`). */
  readonly call: CallFn;
  /** The current catalog's tools (`() => hub.catalog.tools`): tool → server, annotations, schemas. */
  readonly tools: () => ToolCatalog;
  readonly runtime: DurableRuntime;
  /** Capacity units by server name, shared by every run of this executor; unlisted servers are unlimited. */
  readonly capacity?: ReadonlyMap<string, number>;
  /** Receives every run's events. */
  readonly onEvent?: EventSink;
}

/** How a run ended, as far as this process saw it. */
export interface RunResult {
  readonly runId: string;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly outputs?: Record<string, unknown>;
  readonly error?: string;
  /** Final state of each step that was reached; compensated steps keep `succeeded`. */
  readonly steps: ReadonlyMap<string, 'succeeded' | 'failed' | 'skipped'>;
  /** Steps whose compensation ran, in the order it ran. */
  readonly compensated: readonly string[];
}

/** Runs workflows; one per hub, so capacity limits hold across its runs. */
export class WorkflowExecutor {
  readonly #options: ExecutorOptions;
  readonly #capacity = new Map<string, Capacity>();
  readonly #plans = new WeakMap<Workflow, Plan>();

  constructor(options: ExecutorOptions) {
    this.#options = options;
    for (const [server, limit] of options.capacity ?? []) this.#capacity.set(server, new Capacity(limit));
  }

  /**
   * Runs `workflow` with `inputs` (checked against its input schema) as run `runId` (new when omitted).
   * Resolves with the outcome, also when a step failed. When `signal` aborts, the run is left unfinished
   * in the journal (resumable) and this rejects with `CANCELLED`. `onEvent` receives this run's events,
   * after the executor's own listener.
   * @throws ConfigError when the workflow does not validate against the current catalog;
   *   HubError `INVALID_REQUEST` for inputs that break the schema.
   */
  async run(
    workflow: Workflow,
    inputs: Record<string, unknown>,
    options: {
      runId?: string;
      signal?: AbortSignal;
      onEvent?: EventSink;
      caller?: RunContext['caller'];
    } = {},
  ): Promise<RunResult> {
    const tools = this.#options.tools();
    const plan = this.#plans.get(workflow) ?? validateWorkflow(workflow, tools);
    this.#plans.set(workflow, plan);
    checkInputs(workflow, inputs);
    const runId = options.runId ?? randomUUID();
    const { file, source, name } = workflow;
    const journal = await this.#options.runtime.open({ id: runId, workflow: name, file, source, inputs });
    const ctx: RunContext = {
      runId,
      journal,
      call: this.#options.call,
      tools,
      capacity: (server) => this.#capacity.get(server),
      signal: options.signal ?? new AbortController().signal,
      caller: options.caller,
      emit: (event) => {
        for (const listener of [this.#options.onEvent, options.onEvent]) {
          try {
            listener?.(event);
          } catch {} // a broken listener must not break the run
        }
      },
    };
    return executeRun(ctx, workflow, plan, inputs);
  }

  /**
   * Resumes every unfinished run of the runtime from its journal, all at once; call it after the hub
   * started, so the catalog knows the tools. Each run is rebuilt from the workflow text stored with it.
   * A run that cannot be resumed now (say, its tool is gone) stays unfinished; its rejection is in the
   * settled result at the same position as in `runtime.unfinished()`.
   */
  resumeAll(signal?: AbortSignal): Promise<PromiseSettledResult<RunResult>[]> {
    return Promise.allSettled(
      this.#options.runtime.unfinished().map(async (record) => {
        const workflow = parseWorkflow(record.source, record.file);
        return this.run(workflow, record.inputs, { runId: record.id, signal });
      }),
    );
  }
}

function checkInputs(workflow: Workflow, inputs: Record<string, unknown>): void {
  if (!workflow.inputs) return;
  const validate = validatorFor(workflow.inputs);
  if (validate(inputs)) return;
  const problems = (validate.errors ?? []).map(
    (e) => `${e.instancePath || 'inputs'} ${e.message ?? 'invalid'}`,
  );
  throw new HubError(
    'INVALID_REQUEST',
    `invalid inputs for workflow ${workflow.name}: ${problems.join('; ')}`,
  );
}
