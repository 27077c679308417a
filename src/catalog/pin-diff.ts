import { createTwoFilesPatch } from 'diff';
import type { PinRecord } from '../store/store.ts';
import { canonicalJson, PINNED_FIELDS } from './pins.ts';
import { revealHidden } from './text.ts';

/** One pinned field that differs between the approved definition and the one the server lists now. */
export interface FieldChange {
  readonly field: string;
  readonly approved?: unknown;
  readonly listed?: unknown;
  /**
   * A unified line diff: the text itself for strings, sorted pretty JSON for anything else. Hidden
   * characters (control, zero-width, bidi) are shown as `\u{XXXX}` so a reviewer sees them.
   */
  readonly diff: string;
}

/** The changes of a pending pin, field by field (empty when nothing is pending). */
export function diffPin(pin: PinRecord): FieldChange[] {
  if (!pin.pending) return [];
  const before = pin.definition;
  const after = pin.pending.definition;
  const changes: FieldChange[] = [];
  for (const field of PINNED_FIELDS) {
    const a = before[field];
    const b = after[field];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    const patch = createTwoFilesPatch('approved', 'listed', asText(a), asText(b), undefined, undefined, {
      context: 3,
    });
    // From the first hunk on: the banner and file headers say nothing the field name does not.
    const body = patch.slice(patch.indexOf('@@')).trimEnd();
    changes.push({
      field,
      ...(a !== undefined && { approved: a }),
      ...(b !== undefined && { listed: b }),
      diff: body,
    });
  }
  return changes;
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  const text =
    typeof value === 'string'
      ? revealHidden(value)
      : JSON.stringify(JSON.parse(canonicalJson(value)), null, 2);
  return text.endsWith('\n') ? text : `${text}\n`;
}
