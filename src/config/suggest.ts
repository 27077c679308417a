/** "Did you mean" support for unknown field names. */

/** Edit distance (insert, delete, substitute), case-sensitive. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidate to `input`, or undefined when none is close enough to be a likely typo.
 * Case is ignored (`Command` → `command`); `aliases` maps words from other tools to our names
 * (`environment` → `env`) because those are not typos and edit distance would not find them.
 */
export function didYouMean(
  input: string,
  candidates: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const alias = aliases[input] ?? aliases[input.toLowerCase()];
  if (alias !== undefined) return alias;
  // Short names tolerate one edit, longer ones two: more would suggest unrelated words.
  const limit = input.length < 5 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = levenshtein(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
