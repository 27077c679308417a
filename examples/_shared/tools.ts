/**
 * What the example servers share: the fixture runner of the test suite (stdio or Streamable HTTP, one
 * instance per connection) and the two result shapes every example tool answers with.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';

export { serveFixture as serve } from '../../test/fixtures/servers/_serve.ts';

/**
 * A successful result: `structuredContent` for clients and workflows that read fields, and the same JSON
 * as text for clients that only show text.
 */
export function ok(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** A tool-level failure (`isError`), which a workflow counts as a failed call and may retry. */
export function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}
