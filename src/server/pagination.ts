import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';

/** Items per list page. Catalogs up to this size go out in one page, as most hosts expect. */
export const PAGE_SIZE = 500;

/** Ids for catalog snapshots, so a cursor can say which snapshot it walks. */
const snapshotIds = new WeakMap<object, number>();
let lastSnapshotId = 0;

function snapshotId(snapshot: object): number {
  let id = snapshotIds.get(snapshot);
  if (id === undefined) {
    id = ++lastSnapshotId;
    snapshotIds.set(snapshot, id);
  }
  return id;
}

/**
 * One page of a merged list. The hub holds every upstream's whole list, so a cursor is a position in the
 * merged list of one catalog snapshot (`<snapshot>.<offset>`, base64url): a client walking the pages sees
 * one consistent catalog across all servers. A cursor of an older snapshot is refused with -32602; the
 * client was sent list-changed and lists again from the start.
 * @throws ProtocolError -32602 for a cursor that is malformed or from another snapshot.
 */
export function page<T>(
  items: readonly T[],
  snapshot: object,
  cursor: string | undefined,
  pageSize = PAGE_SIZE,
): { items: T[]; nextCursor?: string } {
  const id = snapshotId(snapshot);
  const offset = cursor === undefined ? 0 : offsetOf(cursor, id);
  const end = offset + pageSize;
  const slice = items.slice(offset, end);
  return end < items.length ? { items: slice, nextCursor: encode(id, end) } : { items: slice };
}

function encode(id: number, offset: number): string {
  return Buffer.from(`${id}.${offset}`).toString('base64url');
}

function offsetOf(cursor: string, id: number): number {
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
  if (Number(match[1]) !== id) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      'Cursor expired: the catalog changed, list again',
    );
  }
  return Number(match[2]);
}
