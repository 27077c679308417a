import type { Tool } from '@modelcontextprotocol/client';

/**
 * Why `other` cannot stand in for `reference` (one sentence), or undefined when they offer the same tools:
 * the same names with the same input schemas. Descriptions may differ (versions reword them); a tool
 * missing, added or taking other arguments would make a call fail on one replica and not another.
 */
export function toolsMismatch(reference: readonly Tool[], other: readonly Tool[]): string | undefined {
  const shape = (tools: readonly Tool[]) =>
    new Map(tools.map((tool) => [tool.name, JSON.stringify(tool.inputSchema ?? {})]));
  const want = shape(reference);
  const have = shape(other);
  const missing = [...want.keys()].filter((name) => !have.has(name));
  const extra = [...have.keys()].filter((name) => !want.has(name));
  const changed = [...want.keys()].filter((name) => have.has(name) && have.get(name) !== want.get(name));
  const parts = [
    missing.length > 0 && `lacks ${list(missing)}`,
    extra.length > 0 && `adds ${list(extra)}`,
    changed.length > 0 && `has other arguments for ${list(changed)}`,
  ].filter(Boolean);
  return parts.length > 0 ? `its tools differ: ${parts.join('; ')}` : undefined;
}

/** At most 5 names, so a message stays one line. */
function list(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}
