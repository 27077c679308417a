/**
 * JSON Schema (2020-12) checks with ajv: a workflow's inputs, and the literal part of a step's arguments
 * against the tool's input schema. Validators are compiled once per schema object.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Template } from './template.ts';

// strict off: tool schemas in the wild carry keywords ajv does not know (e.g. `examples` variants). Made on
// first use (ajv compiles its meta-schemas when constructed): a hub without workflows never pays for it.
let ajv: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** One argument that breaks the schema: `path` is JSON-pointer-like in dotted form (`.user.email`). */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** The validator for `schema`. @throws Error when the schema itself is invalid. */
export function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // Tool schemas often name draft-07 in `$schema`; the keywords we check mean the same in 2020-12.
    const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
    ajv ??= new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    validate = ajv.compile(rest);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Why `schema` is not a usable JSON Schema, or undefined when it is. */
export function schemaProblem(schema: object): string | undefined {
  try {
    validatorFor(schema);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Checks the literal top-level arguments of `args` against `schema`. Arguments that hold an expression
 * are only known at run time, so they are left out, and so is "required" for them.
 */
export function argumentIssues(schema: object, args: Template): SchemaProblem[] {
  const templated = new Set(args.expressions.map(({ path }) => String(path[0] ?? '')));
  if (templated.has('')) return []; // the whole argument object is one expression
  const literal = Object.fromEntries(
    Object.entries((args.source as Record<string, unknown> | undefined) ?? {}).filter(
      ([key]) => !templated.has(key),
    ),
  );
  let validate: ValidateFunction;
  try {
    validate = validatorFor(schema);
  } catch {
    return []; // the tool's own schema is broken: nothing to check against (the upstream decides)
  }
  if (validate(literal)) return [];
  return (validate.errors ?? []).filter((e) => !isTemplatedError(e, templated)).map(describe);
}

function isTemplatedError(error: ErrorObject, templated: Set<string>): boolean {
  if (error.keyword === 'required') return templated.has(String(error.params.missingProperty));
  return templated.has(error.instancePath.split('/')[1] ?? '');
}

function describe(error: ErrorObject): SchemaProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((seg) => `.${seg}`)
    .join('');
  if (error.keyword === 'required') {
    return {
      path: `${path}.${String(error.params.missingProperty)}`,
      message: 'required argument is missing',
    };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      path: `${path}.${String(error.params.additionalProperty)}`,
      message: 'the tool takes no such argument',
    };
  }
  return { path, message: `argument ${error.message ?? 'is invalid'}` };
}
