import { HubError } from '../errors.ts';
import type { PinRecord } from '../store/store.ts';
import type { Catalog } from './catalog.ts';
import { SEPARATOR } from './naming.ts';

/**
 * The pin `name` refers to, tried in this order: a served name in `catalog` (withheld ones included),
 * `<server>/<tool>`, `<server>__<tool>`, then a tool's own name when only one server has it.
 * @throws HubError `UNKNOWN_TOOL` naming the candidates when there is none, or several.
 */
export function findPin(pins: readonly PinRecord[], name: string, catalog?: Catalog): PinRecord {
  const served = catalog?.tools.get(name) ?? catalog?.withheld.get(name);
  const match = (server: string, tool: string) => pins.find((p) => p.server === server && p.tool === tool);
  const direct =
    (served && match(served.server, served.original)) ??
    splitMatch(name, '/', match) ??
    splitMatch(name, SEPARATOR, match);
  if (direct) return direct;
  const byTool = pins.filter((p) => p.tool === name);
  if (byTool.length === 1) return byTool[0] as PinRecord;
  const shown = name.length > 128 ? `${name.slice(0, 128)}…` : name;
  const hint = byTool.length
    ? `; it is ambiguous, name one of ${byTool.map((p) => `${p.server}/${p.tool}`).join(', ')}`
    : '; see toolmesh pins list';
  throw new HubError('UNKNOWN_TOOL', `no pinned tool "${shown}"${hint}`, { data: { name: shown } });
}

function splitMatch(
  name: string,
  separator: string,
  match: (server: string, tool: string) => PinRecord | undefined,
): PinRecord | undefined {
  const at = name.indexOf(separator);
  return at > 0 ? match(name.slice(0, at), name.slice(at + separator.length)) : undefined;
}
