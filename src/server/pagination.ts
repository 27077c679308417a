import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';

/** Items per list page. Catalogs up to this size go out in one page, as most hosts expect. */
export const PAGE_SIZE = 500;

/**
 * One page of a merged list. The hub holds every upstream's whole list, so a cursor is a position in the
 * merged list, tagged with that list's key (its fingerprint, see `listFingerprint`): a client walking the
 * pages sees one consistent list across all servers. When the list changed between two pages the key
 * differs and the cursor is refused with -32602; the client was sent list-changed and lists again from the
 * start. A rebuild that left the list as it was keeps its key, so the walk goes on.
 * @param listKey the list's key, asked for only when a cursor is read or made (it may cost a digest)
 * @throws ProtocolError -32602 for a cursor that is malformed or of another version of the list.
 */
export function page<T>(
  items: readonly T[],
  listKey: () => string,
  cursor: string | undefined,
  pageSize = PAGE_SIZE,
): { items: T[]; nextCursor?: string } {
  const offset = cursor === undefined ? 0 : offsetOf(cursor, listKey());
  const end = offset + pageSize;
  const slice = items.slice(offset, end);
  return end < items.length ? { items: slice, nextCursor: encode(listKey(), end) } : { items: slice };
}

function encode(key: string, offset: number): string {
  return Buffer.from(`${key}.${offset}`).toString('base64url');
}

function offsetOf(cursor: string, key: string): number {
  const match = /^([\w-]+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
  if (match[1] !== key) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Cursor expired: the list changed, list again');
  }
  return Number(match[2]);
}
