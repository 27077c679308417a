/**
 * The workflow expression language: CEL (Common Expression Language) through `@marcbachmann/cel-js`.
 * CEL is side-effect free and not Turing-complete (no loops, no recursion, bounded macros), so a workflow
 * file can never run arbitrary code in the hub. Nothing here uses `eval`.
 *
 * CEL keeps `int` and `double` apart (`1 + 1.5` is an error). JSON has one number type, so values enter CEL
 * through `toCel` (whole numbers become `int`, others `double`) and leave through `fromCel`.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax
import { type ASTNode, Environment, type ParseResult } from '@marcbachmann/cel-js';

// Workflow data is JSON, so variables are dynamic; mixed lists such as `[1, "a"]` are allowed. Made on
// first use: a hub without workflows never pays for it.
let env: Environment | undefined;
const celEnvironment = () =>
  (env ??= new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 2000, maxDepth: 64 },
  }));

/** A parsed expression, ready to evaluate many times. */
export interface Expression {
  readonly source: string;
  /** Every variable path the expression reads, e.g. `['steps', 'fetch', 'result', 'id']`. */
  readonly refs: readonly (readonly string[])[];
  /** Evaluates against `scope` (JSON values, converted by the caller with `toCel`); returns JSON. */
  evaluate(scope: Record<string, unknown>): unknown;
}

/** Parses `source`. @throws Error with CEL's message (first line only) when it is not valid CEL. */
export function compileExpression(source: string): Expression {
  let parsed: ParseResult;
  try {
    parsed = celEnvironment().parse(source);
  } catch (error) {
    throw new Error(firstLine(error));
  }
  const refs: string[][] = [];
  collectRefs(parsed.ast, refs);
  return {
    source,
    refs,
    evaluate(scope) {
      try {
        return fromCel(parsed(scope));
      } catch (error) {
        throw new Error(`${firstLine(error)} in \${{ ${source} }}`);
      }
    },
  };
}

/** JSON → CEL values: whole numbers become bigint (CEL `int`); objects and arrays are copied deeply. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value)) out[key] = toCel(item);
    return out;
  }
  return value;
}

/** CEL → JSON values: bigint back to number, Maps and null-prototype objects to plain objects. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = fromCel(item);
    return out;
  }
  return value;
}

/** The comprehension macros: their first argument names a variable bound inside the macro. */
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'transformList', 'transformMap']);

/**
 * Walks the AST and records each access chain that starts at a free variable: `a.b["c"][i].d` gives
 * `['a', 'b', 'c']` (a computed index ends the path; the index itself is walked on its own). Names bound
 * by macros (`x` in `list.map(x, x * 2)`) are not free and are not recorded.
 */
function collectRefs(node: ASTNode, out: string[][], bound: ReadonlySet<string> = new Set()): void {
  const chain = accessChain(node);
  if (chain) {
    if (!bound.has(chain.path[0] ?? '')) out.push(chain.path);
    for (const inner of chain.rest) collectRefs(inner, out, bound);
    return;
  }
  if (node.op === 'rcall' && MACROS.has(node.args[0])) {
    const [, receiver, params] = node.args;
    collectRefs(receiver, out, bound);
    const names = params.slice(0, -1).flatMap((p) => (p.op === 'id' ? [p.args] : []));
    const inner = new Set([...bound, ...names]);
    const body = params.at(-1);
    if (body) collectRefs(body, out, inner);
    return;
  }
  visitArgs(node.args, out, bound);
}

function visitArgs(args: unknown, out: string[][], bound: ReadonlySet<string>): void {
  if (Array.isArray(args)) for (const item of args) visitArgs(item, out, bound);
  else if (isNode(args)) collectRefs(args, out, bound);
}

interface Chain {
  path: string[];
  /** Computed indexes inside the chain, walked separately. */
  rest: ASTNode[];
  /** True once a computed index ended the statically known path. */
  closed: boolean;
}

function accessChain(node: ASTNode): Chain | undefined {
  if (node.op === 'id') return { path: [node.args], rest: [], closed: false };
  if (node.op === '.' || node.op === '.?') {
    const inner = accessChain(node.args[0]);
    if (inner && !inner.closed) inner.path.push(node.args[1]);
    return inner;
  }
  if (node.op === '[]' || node.op === '[?]') {
    const inner = accessChain(node.args[0]);
    if (!inner) return undefined;
    const key = node.args[1];
    if (key.op === 'value' && typeof key.args === 'string' && !inner.closed) inner.path.push(key.args);
    else {
      inner.closed = true;
      if (key.op !== 'value') inner.rest.push(key);
    }
    return inner;
  }
  return undefined;
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'invalid expression';
}
