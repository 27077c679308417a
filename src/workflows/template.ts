/**
 * Templated values: any JSON value whose strings may hold `${{ <CEL expression> }}`. A string that is one
 * template and nothing else takes the expression's value with its type (a number stays a number, an
 * object an object); a template inside other text is turned into text (JSON for lists and maps).
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax
import { compileExpression, type Expression } from './expr.ts';

const PATTERN = /\$\{\{([\s\S]*?)\}\}/g;

/** A value with its expressions parsed once. `literal` is true when it holds no expression at all. */
export interface Template {
  readonly literal: boolean;
  /** The value as written, templates unexpanded. */
  readonly source: unknown;
  /** Every expression in the value, with the field path (`['user', 'email']`) it sits at. */
  readonly expressions: readonly { readonly path: readonly (string | number)[]; readonly expr: Expression }[];
  /** The value with every expression replaced by its result in `scope` (CEL values, see `toCel`). */
  render(scope: Record<string, unknown>): unknown;
}

/** Thrown for a template that does not parse; `path` is the field inside the value. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  readonly path: readonly (string | number)[];
  constructor(message: string, path: readonly (string | number)[]) {
    super(message);
    this.path = path;
  }
}

/** Parses every `${{ }}` in `value`. @throws TemplateError naming the field of the first bad expression. */
export function compileTemplate(value: unknown): Template {
  const expressions: { path: (string | number)[]; expr: Expression }[] = [];
  const render = build(value, [], expressions);
  return { literal: expressions.length === 0, source: value, expressions, render };
}

type Renderer = (scope: Record<string, unknown>) => unknown;

function build(
  value: unknown,
  path: (string | number)[],
  found: { path: (string | number)[]; expr: Expression }[],
): Renderer {
  if (typeof value === 'string') return buildString(value, path, found);
  if (Array.isArray(value)) {
    const items = value.map((item, i) => build(item, [...path, i], found));
    return (scope) => items.map((item) => item(scope));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, build(v, [...path, k], found)] as const);
    return (scope) => Object.fromEntries(entries.map(([k, item]) => [k, item(scope)]));
  }
  return () => value;
}

function buildString(
  text: string,
  path: (string | number)[],
  found: { path: (string | number)[]; expr: Expression }[],
): Renderer {
  const parts: (string | Expression)[] = [];
  let last = 0;
  for (const match of text.matchAll(PATTERN)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const source = (match[1] ?? '').trim();
    if (!source) throw new TemplateError('empty ${{ }}', path);
    let expr: Expression;
    try {
      expr = compileExpression(source);
    } catch (error) {
      throw new TemplateError(`invalid expression \${{ ${source} }}: ${(error as Error).message}`, path);
    }
    found.push({ path, expr });
    parts.push(expr);
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return () => text;
  if (last < text.length) parts.push(text.slice(last));
  const [only] = parts;
  if (parts.length === 1 && typeof only !== 'string' && only) return (scope) => only.evaluate(scope);
  return (scope) =>
    parts.map((part) => (typeof part === 'string' ? part : asText(part.evaluate(scope)))).join('');
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
