/**
 * `${VAR}`, `${VAR:-default}` and `${env:VAR}` in config strings (the syntaxes of Claude Code, VS Code and
 * Cursor files). One pass, so a value that itself contains `${...}` is never expanded again. Failures
 * carry the variable's NAME only: values are often tokens and must never reach a message.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax, shown to users as text

/** The environment variables are read from (`process.env` by default). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Why a string could not be expanded. */
export type InterpolationFailure =
  | { kind: 'unset'; name: string }
  | { kind: 'input' } // VS Code `${input:id}`: needs a prompt we cannot show
  | { kind: 'malformed' };

/** The expanded string, or the first failure. */
export type Interpolation = { ok: true; value: string } | ({ ok: false } & InterpolationFailure);

// `${` up to the next `}`; an unclosed `${` at the end is matched too so it is reported, not kept silently.
const REFERENCE = /\$\{([^}]*)(\}|$)/g;
const INNER = /^(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/** True when `text` contains a `${...}` reference (a lone `$` is literal). */
export function hasVariables(text: string): boolean {
  return text.includes('${');
}

/**
 * Expands references in `text`. `${VAR:-default}` uses the default when VAR is unset or empty (as in
 * POSIX shells); `${VAR}` with VAR set to an empty string gives an empty string.
 */
export function interpolate(text: string, env: Env): Interpolation {
  if (!hasVariables(text)) return { ok: true, value: text };
  let failure: InterpolationFailure | undefined;
  const value = text.replace(REFERENCE, (whole, inner: string, close: string) => {
    if (failure) return whole;
    const match = close ? INNER.exec(inner) : null;
    if (!match) {
      failure = inner.startsWith('input:') ? { kind: 'input' } : { kind: 'malformed' };
      return whole;
    }
    const name = match[1] as string;
    const fallback = match[2];
    // Own string properties only: `${__proto__}` must not read Object.prototype.
    const raw = Object.hasOwn(env, name) ? env[name] : undefined;
    const set = typeof raw === 'string' ? raw : undefined;
    if (set !== undefined && (set !== '' || fallback === undefined)) return set;
    if (fallback !== undefined) return fallback;
    failure = { kind: 'unset', name };
    return whole;
  });
  return failure ? { ok: false, ...failure } : { ok: true, value };
}

/** What went wrong and how to fix it, naming the variable but never its value. */
export function describeFailure(failure: InterpolationFailure): { message: string; fix: string } {
  switch (failure.kind) {
    case 'unset':
      return {
        message: `unset variable ${failure.name}`,
        fix: `set it or write \${${failure.name}:-default}`,
      };
    case 'input':
      return {
        message: 'VS Code input variables (${input:...}) are not supported',
        fix: 'pass the value in an environment variable and write ${env:NAME}',
      };
    case 'malformed':
      return {
        message: 'malformed variable reference',
        fix: 'write ${NAME}, ${NAME:-default} or ${env:NAME}',
      };
  }
}
