/**
 * The configured composites as a `LocalToolSource` named `(composites)`: each is an ordinary tool whose
 * call renders every branch's arguments, sends the branches in parallel through the hub's own call path
 * (so routing, resilience and auth apply to each as to any call) and answers with the combined result.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the template syntax
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { ConfigError, type ConfigIssue, formatPath } from '../config/config-error.ts';
import type { CompositeBranch, CompositeConfig } from '../config/orchestration.ts';
import { HubError } from '../errors.ts';
import type { CallFn } from '../pipeline/call.ts';
import type { LocalToolSource } from '../pipeline/local-tools.ts';
import type { RouteOptions } from '../routing/logical-server.ts';
import { toCel } from '../workflows/expr.ts';
import { validatorFor } from '../workflows/json-schema.ts';
import { compileTemplate, type Template, TemplateError } from '../workflows/template.ts';
import { resultValue } from '../workflows/tool-call.ts';
import { compositeCycle } from './cycles.ts';
import { fanOut } from './fan-out.ts';
import { COMPOSITE_OUTPUT_SCHEMA, compositeResult } from './result.ts';

export const COMPOSITES_SOURCE = '(composites)';

export interface CompositeSourceOptions {
  /** The config file, named in errors about a composite (default `<config>`). */
  readonly file?: string;
  /** The server behind a served tool name (the hub's catalog), so each branch outcome names it. */
  readonly serverOf?: (tool: string) => string | undefined;
}

interface CompiledBranch extends CompositeBranch {
  readonly template: Template;
}

interface Compiled {
  readonly config: CompositeConfig;
  readonly tool: Tool;
  readonly branches: readonly CompiledBranch[];
  /** Checks the call's arguments against the configured `inputSchema`, when there is one. */
  readonly validate?: ValidateFunction;
}

/**
 * Serves `composites`, calling their branches through `call` (the hub's `call`).
 * @throws ConfigError listing every branch argument that is not a valid template, and a composite that
 *   calls itself through its branches (it would fan out without end).
 */
export function createCompositeSource(
  composites: readonly CompositeConfig[],
  call: CallFn,
  options: CompositeSourceOptions = {},
): LocalToolSource {
  const file = options.file ?? '<config>';
  const issues: ConfigIssue[] = [];
  const compiled = new Map(composites.map((c) => [c.name, compile(c, file, issues)]));
  const cycle = compositeCycle(composites);
  if (cycle) {
    issues.push({
      file,
      path: `composites.${cycle[0]}`,
      message: `composites call each other in a loop: ${cycle.join(' → ')}`,
      fix: 'remove the branch that calls back into a composite that calls it',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const tools = [...compiled.values()].map((c) => c.tool);

  return {
    name: COMPOSITES_SOURCE,
    tools: () => tools,
    async call(name, args, route) {
      const composite = compiled.get(name);
      if (!composite) {
        throw new HubError('UNKNOWN_TOOL', `unknown tool: ${name.slice(0, 128)}`, {
          server: COMPOSITES_SOURCE,
        });
      }
      return callComposite(composite, args, call, route, options.serverOf);
    },
  };
}

async function callComposite(
  { config, branches, validate }: Compiled,
  args: Record<string, unknown>,
  call: CallFn,
  route: RouteOptions,
  serverOf: CompositeSourceOptions['serverOf'],
): Promise<CallToolResult> {
  if (validate && !validate(args)) {
    // A tool execution error, as MCP asks for bad arguments, so the caller's model can read and fix them.
    const problems = (validate.errors ?? []).map(
      (e) => `${e.instancePath || 'arguments'} ${e.message ?? 'invalid'}`,
    );
    const text = `invalid arguments for ${config.name}: ${problems.join('; ')}`;
    return { isError: true, content: [{ type: 'text', text }] };
  }
  const signal = route.signal ?? new AbortController().signal;
  const scope = { args: toCel(args) };
  const total = branches.length;
  const outcomes = await fanOut(
    branches,
    async (branch, branchSignal) => {
      const rendered = renderArgs(branch, scope);
      // Branch progress is not passed on: the caller hears of branches ending, which is what it can count.
      const params = { name: branch.tool, arguments: rendered };
      const result = await call({
        method: 'tools/call',
        params,
        signal: branchSignal,
        origin: route.origin,
        client: route.client,
      });
      return resultValue(result, branch.tool, serverOf?.(branch.tool));
    },
    {
      signal,
      timeoutMs: config.timeoutMs,
      enough: config.aggregate === 'first-success' ? config.minSuccesses : undefined,
      serverOf,
      onSettled: (outcome, settled) =>
        route.onprogress?.({ progress: settled, total, message: `branch ${outcome.id} ${outcome.status}` }),
    },
  );
  if (signal.aborted) {
    throw new HubError('CANCELLED', `${config.name} cancelled by the caller`, { server: COMPOSITES_SOURCE });
  }
  return compositeResult(config, outcomes);
}

/** The branch's arguments in this call. @throws HubError `INVALID_REQUEST` naming the branch. */
function renderArgs(branch: CompiledBranch, scope: Record<string, unknown>): Record<string, unknown> {
  try {
    return branch.template.render(scope) as Record<string, unknown>;
  } catch (error) {
    throw new HubError('INVALID_REQUEST', `arguments of branch ${branch.id}: ${(error as Error).message}`);
  }
}

function compile(config: CompositeConfig, file: string, issues: ConfigIssue[]): Compiled {
  const branches = config.branches.map((branch, index) => {
    try {
      return { ...branch, template: compileTemplate(branch.args) };
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const field = formatPath(['composites', config.name, 'branches', index, 'args', ...error.path]);
      issues.push({
        file,
        path: field,
        message: error.message,
        fix: 'write a CEL expression over args inside ${{ }}',
      });
      return { ...branch, template: compileTemplate({}) };
    }
  });
  const tool: Tool = {
    name: config.name,
    ...(config.title !== undefined && { title: config.title }),
    description: config.description ?? defaultDescription(config),
    inputSchema: { type: 'object', ...config.inputSchema } as Tool['inputSchema'],
    outputSchema: COMPOSITE_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
  };
  return { config, tool, branches, validate: config.inputSchema && inputValidator(config, file, issues) };
}

/** The validator of the composite's `inputSchema`, or an issue when it is no valid JSON Schema. */
function inputValidator(
  config: CompositeConfig,
  file: string,
  issues: ConfigIssue[],
): ValidateFunction | undefined {
  try {
    return validatorFor(config.inputSchema ?? {});
  } catch (error) {
    const path = `composites.${config.name}.inputSchema`;
    issues.push({
      file,
      path,
      message: `not a valid JSON Schema: ${(error as Error).message}`,
      fix: 'write a JSON Schema (2020-12) of an object, e.g. {type: object, properties: {q: {type: string}}}',
    });
    return undefined;
  }
}

function defaultDescription(config: CompositeConfig): string {
  const tools = [...new Set(config.branches.map((b) => b.tool))].join(', ');
  return `Calls ${tools} in parallel (${config.branches.length} branches) and combines the results (${config.aggregate}).`;
}
