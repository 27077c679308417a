import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';

/** Items per list page. Catalogs up to this size go out in one page, as most hosts expect. */
export const PAGE_SIZE = 500;

/**
 * Where a cursor points in a merged list. The hub holds every upstream's whole list, so a cursor is a
 * position in the merged list, tagged with that list's key (its fingerprint, see `listFingerprint`): a
 * client walking the pages sees one consistent list across all servers. When the list changed between two
 * pages the key differs and the cursor is refused with -32602; the client was sent list-changed and lists
 * again from the start. A rebuild that left the list as it was keeps its key, so the walk goes on.
 * @param listKey the list's key, asked for only when there is a cursor (it may cost a digest)
 * @returns 0 without a cursor
 * @throws ProtocolError -32602 for a cursor that is malformed, of another version of the list, or one the
 *   hub never issued (only the start of a later page is: no other offset, so a client cannot make the hub
 *   keep a page for each offset it invents)
 */
export function cursorOffset(
  cursor: string | undefined,
  listKey: () => string,
  length: number,
  pageSize = PAGE_SIZE,
): number {
  if (cursor === undefined) return 0;
  const match = /^([\w-]+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
  if (match[1] !== listKey()) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Cursor expired: the list changed, list again');
  }
  const offset = Number(match[2]);
  if (!Number.isSafeInteger(offset) || offset <= 0 || offset % pageSize !== 0 || offset >= length) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
  }
  return offset;
}

/** The page of `items` that starts at `offset`, with the cursor of the next page if there is one. */
export function pageAt<T>(
  items: readonly T[],
  listKey: () => string,
  offset: number,
  pageSize = PAGE_SIZE,
): { items: T[]; nextCursor?: string } {
  const end = offset + pageSize;
  const slice = items.slice(offset, end);
  return end < items.length ? { items: slice, nextCursor: encode(listKey(), end) } : { items: slice };
}

function encode(key: string, offset: number): string {
  return Buffer.from(`${key}.${offset}`).toString('base64url');
}
