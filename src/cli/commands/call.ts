import type { CallToolResult } from '@modelcontextprotocol/client';
import { HubError } from '../../errors.ts';
import type { Hub } from '../../hub.ts';
import { createLogger } from '../../observability/logger.ts';
import { argumentsFromPairs, jsonObjectFlag } from '../coerce.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { openHub } from '../open-hub.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { printJson } from '../output.ts';

export const summary = 'call one tool of the merged catalog and print its result';
export const help = `Usage: toolmesh call <tool> [key=value ...] [--args JSON] [--config FILE] [--json]

Starts the configured servers, calls <tool> (its served name, as in "toolmesh tools"), prints the
result and stops the servers. Values are typed by the tool's input schema (numbers, booleans, JSON
for objects and arrays); --args takes the whole arguments object as JSON instead.
Exit code 0 on success, 5 when the tool reports an error, its server answers with an error, or the
tool does not exist, 4 when its server is down, refuses calls for now (rate limit, open circuit, full
bulkhead) or does not answer in time.`;

/**
 * The hub's errors that mean "not now" rather than "not this": the server (or every replica of it) is down,
 * did not answer in time, or is held back by the hub's or its own limits. A script may try again later.
 */
const UNAVAILABLE_NOW: ReadonlySet<string> = new Set([
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'NO_HEALTHY_REPLICA',
  'CIRCUIT_OPEN',
  'RATE_LIMITED',
  'OVERLOADED',
]);

export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommand('call', argv, { args: { type: 'string' } });
  const [name, ...pairs] = positionals;
  if (name === undefined) throw new CliError(EXIT.USAGE, `missing the tool name\n\n${help}`);
  const config = await resolveConfig(values.config);
  const { hub, stop } = await openHub(config, createLogger(values.verbose ? 'debug' : 'silent'));
  try {
    await hub.start();
    const entry = hub.catalog.tools.get(name);
    const args =
      values.args !== undefined
        ? jsonObjectFlag('--args', values.args, '{"text":"hi"}')
        : argumentsFromPairs(pairs, entry?.definition.inputSchema);
    // The server's own timeouts apply (the hub's per-request timeout, reset by progress); Ctrl-C cancels.
    const interrupted = new AbortController();
    process.once('SIGINT', () => interrupted.abort());
    const result = (await hub.call({
      method: 'tools/call',
      params: { name, arguments: args },
      signal: interrupted.signal,
    })) as CallToolResult;
    if (values.json) printJson(result);
    else process.stdout.write(renderResult(result));
    return result.isError ? EXIT.TOOL_ERROR : EXIT.OK;
  } catch (error) {
    if (HubError.is(error) && error.code === 'UNKNOWN_TOOL') {
      throw new CliError(EXIT.TOOL_ERROR, unknownToolMessage(name, hub));
    }
    if (HubError.is(error)) {
      const code = UNAVAILABLE_NOW.has(error.code)
        ? EXIT.UNAVAILABLE
        : error.code === 'UPSTREAM_ERROR'
          ? EXIT.TOOL_ERROR
          : EXIT.FAILURE;
      const from = error.server ? ` (server "${error.server}")` : '';
      throw new CliError(code, `${error.code}${from}: ${error.message}`);
    }
    throw error;
  } finally {
    await stop();
  }
}

function unknownToolMessage(name: string, hub: Hub): string {
  const down = hub.servers().filter((s) => s.state !== 'ready' && s.state !== 'disabled');
  const hint = down.length > 0 ? ` (not ready: ${down.map((s) => s.name).join(', ')})` : '';
  return `unknown tool: ${name}${hint}. Run "toolmesh tools" to see the served names.`;
}

/**
 * Text blocks as they are; other blocks as a one-line summary; structured content as JSON if no text. A
 * result the server got wrong (content that is not a list of blocks) is printed as the JSON it is.
 */
function renderResult(result: CallToolResult): string {
  const content: unknown = result.content;
  const blocks = Array.isArray(content) ? content : undefined;
  if (!blocks?.every((block) => typeof block === 'object' && block !== null && 'type' in block)) {
    return `${JSON.stringify(result, null, 2)}\n`;
  }
  const lines = (blocks as CallToolResult['content']).map((block) => {
    if (block.type === 'text') return block.text;
    if (block.type === 'image' || block.type === 'audio') return `[${block.type} ${block.mimeType}]`;
    if (block.type === 'resource_link') return `[resource ${block.uri}]`;
    if (block.type === 'resource') return `[resource ${block.resource.uri}]`;
    return `[${(block as { type: string }).type}]`;
  });
  if (lines.length === 0 && result.structuredContent !== undefined) {
    lines.push(JSON.stringify(result.structuredContent, null, 2));
  }
  return `${lines.join('\n')}\n`;
}
