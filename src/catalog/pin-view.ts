import type { PinRecord } from '../store/store.ts';
import { diffPin, type FieldChange } from './pin-diff.ts';

/** A pin as `toolmesh pins list` and `GET /api/v1/pins` show it. */
export interface PinSummary {
  readonly server: string;
  readonly tool: string;
  /** `changed`: the server lists a definition other than the approved one. */
  readonly status: 'approved' | 'changed';
  readonly hash: string;
  readonly firstSeen: string;
  readonly approvedAt: string;
  /** When the pending definition was first seen (status `changed` only). */
  readonly changedAt?: string;
  readonly pendingHash?: string;
}

/** The summary of `pin`. */
export function pinSummary(pin: PinRecord): PinSummary {
  return {
    server: pin.server,
    tool: pin.tool,
    status: pin.pending ? 'changed' : 'approved',
    hash: pin.hash,
    firstSeen: pin.firstSeen,
    approvedAt: pin.approvedAt,
    ...(pin.pending && { changedAt: pin.pending.seenAt, pendingHash: pin.pending.hash }),
  };
}

/** A pin's pending change as `toolmesh pins diff` and `GET /api/v1/pins/:tool/diff` show it. */
export function pinDiffView(pin: PinRecord): PinSummary & { changes: FieldChange[] } {
  return { ...pinSummary(pin), changes: diffPin(pin) };
}
