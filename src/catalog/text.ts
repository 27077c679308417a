/**
 * Text rules for what servers send: the comparison form used to find look-alike names, and the cleaning
 * applied to descriptions before clients (and their models) read them.
 */

/**
 * The form two names are compared in: NFKC (so full-width `ｒｅａｄ` and ligatures match their plain
 * forms) plus case folding. JavaScript has no full case fold; upper- then lower-casing covers the
 * common special cases (`ß` → `ss`). Names are still served as given: this is only for comparison.
 */
export function foldName(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

// C0 controls except tab, line feed and carriage return; DEL and C1 controls (ANSI escapes start with ESC);
// zero-width characters, bidi embeddings, overrides and isolates, and the BOM: invisible to a reviewer,
// readable by a model ("line jumping", docs/conflicts.md and SECURITY.md).
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** `text` without control, zero-width and bidi characters. */
export function stripHidden(text: string): string {
  return text.replace(HIDDEN, '');
}

/** `text` with hidden characters shown as `\u{XXXX}`, so a reviewer sees what a model would read. */
export function revealHidden(text: string): string {
  return text.replace(HIDDEN, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}}`);
}

/** Nesting deeper than this is served as it is (a guard against pathological schemas, not a limit in practice). */
const MAX_DEPTH = 32;

/** What `cleanTexts` made of each definition object it was given. */
const cleaned = new WeakMap<object, unknown>();

/**
 * `definition` with hidden characters stripped from every string `title` and `description`, at any depth:
 * the tool's own, its schemas' properties, a prompt's arguments. Objects without such text are returned
 * as they are, so an unchanged definition costs no copy. The answer is kept per definition object: a
 * server's lists are never modified, and every catalog rebuild cleans all of them again (a 2,000-tool
 * catalog walked every schema of every tool on each rebuild).
 */
export function cleanTexts<T>(definition: T): T {
  if (definition === null || typeof definition !== 'object') return definition;
  let result = cleaned.get(definition);
  if (result === undefined) {
    result = clean(definition, 0);
    cleaned.set(definition, result);
  }
  return result as T;
}

function clean(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => clean(item, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const text = key === 'title' || key === 'description';
    const cleaned = text && typeof item === 'string' ? stripHidden(item) : clean(item, depth + 1);
    if (cleaned === item) continue;
    copy ??= { ...value };
    // defineProperty, not assignment: a key named `__proto__` must stay a plain key.
    Object.defineProperty(copy, key, {
      value: cleaned,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy ?? value;
}
