/**
 * The answer of a composite call: the combined value plus how each branch ended, as structured content
 * (described by `COMPOSITE_OUTPUT_SCHEMA`) and as text for clients that read only text. Too few
 * successes, or a tied vote, make it a tool error (`isError`), as MCP asks for execution errors.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import type { CompositeConfig } from '../config/orchestration.ts';
import { combine, type Success } from './aggregate.ts';
import type { BranchOutcome } from './fan-out.ts';

export const COMPOSITE_OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    result: { description: 'The combined value (absent when the call failed).' },
    succeeded: { type: 'integer' },
    failed: { type: 'integer' },
    error: { type: 'string' },
    votes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          value: {},
          count: { type: 'integer' },
          branches: { type: 'array', items: { type: 'string' } },
        },
        required: ['value', 'count', 'branches'],
      },
    },
    branches: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          tool: { type: 'string' },
          status: { type: 'string', enum: ['ok', 'failed', 'timeout', 'cancelled'] },
          error: { type: 'string' },
          server: { type: 'string' },
          ms: { type: 'number' },
        },
        required: ['id', 'tool', 'status', 'ms'],
      },
    },
  },
  required: ['succeeded', 'failed', 'branches'],
} as const satisfies Tool['outputSchema'];

/** The tool result for `composite` whose branches ended as `outcomes` (in branch order). */
export function compositeResult(
  composite: CompositeConfig,
  outcomes: readonly BranchOutcome[],
): CallToolResult {
  const successes: Success[] = outcomes.flatMap((o) =>
    o.status === 'ok' ? [{ id: o.id, value: o.value, rank: o.rank }] : [],
  );
  const branches = outcomes.map(({ id, tool, status, error, server, ms }) => ({
    id,
    tool,
    status,
    ...(error !== undefined && { error }),
    ...(server !== undefined && { server }),
    ms,
  }));
  const counts = { succeeded: successes.length, failed: outcomes.length - successes.length };
  const failures = outcomes.filter((o) => o.status !== 'ok').map(failureLine);

  if (successes.length < composite.minSuccesses) {
    const error = `${composite.name}: ${successes.length} of ${outcomes.length} branches succeeded, ${composite.minSuccesses} needed`;
    return failed(error, failures, { ...counts, error, branches });
  }
  const combined = combine(composite.aggregate, successes, composite.key);
  const votes = combined.votes && { votes: combined.votes };
  if (!combined.ok) {
    const error = `${composite.name}: ${combined.error}`;
    return failed(error, failures, { ...counts, error, ...votes, branches });
  }
  const text = [JSON.stringify(combined.value), ...failures].join('\n');
  return {
    content: [{ type: 'text', text }],
    structuredContent: { result: combined.value, ...counts, ...votes, branches },
  };
}

function failed(
  error: string,
  failures: string[],
  structuredContent: Record<string, unknown>,
): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: [error, ...failures].join('\n') }],
    structuredContent,
  };
}

/** `branch web (search on web-a) timeout: no answer within 500 ms` */
function failureLine(outcome: BranchOutcome): string {
  const where = outcome.server ? `${outcome.tool} on ${outcome.server}` : outcome.tool;
  return `branch ${outcome.id} (${where}) ${outcome.status}: ${outcome.error ?? 'unknown error'}`;
}
