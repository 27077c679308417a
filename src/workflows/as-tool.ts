/**
 * A workflow as an MCP tool: its definition (the workflow's inputs are the input schema) and one call of
 * it, which runs the workflow and answers with a `CallToolResult`. A run that fails is a tool result with
 * `isError`, not a protocol error, as MCP asks for tool execution errors. Progress goes out per step.
 * `ServedWorkflows` (`served.ts`) lists these tools in the hub's catalog and routes their calls here.
 */
import type { CallToolResult, ProgressCallback, Tool } from '@modelcontextprotocol/client';
import { ConfigError } from '../config/config-error.ts';
import { HubError } from '../errors.ts';
import type { WorkflowExecutor } from './executor.ts';
import type { Workflow } from './model.ts';
import type { RunContext } from './tool-call.ts';

const OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    runId: { type: 'string' },
    status: { type: 'string', enum: ['succeeded', 'failed', 'needs-decision'] },
    outputs: { type: 'object' },
    error: { type: 'string' },
    compensated: { type: 'array', items: { type: 'string' } },
  },
  required: ['runId', 'status'],
} as const;

/** The tool that runs `workflow`, served under `name` (default: the workflow's name). */
export function workflowTool(workflow: Workflow, name: string = workflow.name): Tool {
  const steps = workflow.steps.size;
  return {
    name,
    description: workflow.description ?? `Runs the workflow ${workflow.name} (${steps} steps).`,
    inputSchema: { type: 'object', ...workflow.inputs } as Tool['inputSchema'],
    outputSchema: OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
  };
}

/**
 * Runs `workflow` with the tool call's `args` and answers as the tool. Reports progress after each step
 * that ended (succeeded, failed or skipped), out of the workflow's step count.
 * @throws HubError `CANCELLED` when `signal` aborted (the run stays resumable in the journal).
 */
export async function callWorkflowTool(
  executor: WorkflowExecutor,
  workflow: Workflow,
  args: Record<string, unknown>,
  options: { signal: AbortSignal; onprogress?: ProgressCallback; caller?: RunContext['caller'] },
): Promise<CallToolResult> {
  let ended = 0;
  const total = workflow.steps.size;
  try {
    const result = await executor.run(workflow, args, {
      signal: options.signal,
      caller: options.caller,
      onEvent: (event) => {
        if (event.type !== 'step' || event.state === 'started') return;
        ended += 1;
        options.onprogress?.({ progress: ended, total, message: `step ${event.step} ${event.state}` });
      },
    });
    const { runId, status, outputs, error, compensated } = result;
    if (status === 'succeeded') {
      const structuredContent = { runId, status, outputs: outputs ?? {} };
      return { content: [{ type: 'text', text: JSON.stringify(outputs ?? {}) }], structuredContent };
    }
    const text = `workflow ${workflow.name} ${status}: ${error ?? 'unknown error'} (run ${runId})`;
    const structuredContent = { runId, status, error: error ?? '', compensated: [...compensated] };
    return { isError: true, content: [{ type: 'text', text }], structuredContent };
  } catch (error) {
    // Bad inputs, or a workflow that no longer fits the catalog: the caller gets to read why.
    const refused = error instanceof ConfigError || (HubError.is(error) && error.code === 'INVALID_REQUEST');
    if (!refused) throw error;
    return { isError: true, content: [{ type: 'text', text: (error as Error).message }] };
  }
}
