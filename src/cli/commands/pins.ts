import { findPin } from '../../catalog/pin-target.ts';
import { pinDiffView, pinSummary } from '../../catalog/pin-view.ts';
import { HubError } from '../../errors.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { printJson, printTable } from '../output.ts';

export const summary = 'list tool-definition pins, show what changed, approve a change';
export const help = `Usage: toolmesh pins list [--json]
       toolmesh pins diff <tool> [--json]
       toolmesh pins approve <tool>
Options: --config FILE, --store FILE (default: store.path of the config, else ~/.toolmesh/toolmesh.db)

Works on the store directly, without starting servers; a running hub sees an approval within a second.
<tool> is a served name (server__tool), <server>/<tool>, or a tool's own name when one server has it.
Exit codes: 0 done, 1 nothing to approve, 2 usage, 5 no such pinned tool.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommand('pins', argv, { store: { type: 'string' } });
  const [action = 'list', name, ...extra] = positionals;
  if (
    extra.length > 0 ||
    !['list', 'diff', 'approve'].includes(action) ||
    (action !== 'list') !== (name !== undefined)
  ) {
    throw new CliError(EXIT.USAGE, `${help}`);
  }
  const path = values.store ?? (await resolveConfig(values.config)).store?.path ?? ':memory:';
  const store = openSqliteStore(path);
  try {
    if (action === 'list') return list(store, values.json === true);
    const pin = locate(store, name as string);
    if (action === 'diff') return diff(pinDiffView(pin), values.json === true);
    if (!store.pins.approve(pin.server, pin.tool)) {
      throw new CliError(
        EXIT.FAILURE,
        `nothing to approve: ${pin.server}/${pin.tool} is unchanged since it was approved`,
      );
    }
    process.stdout.write(`approved ${pin.server}/${pin.tool}\n`);
    return EXIT.OK;
  } finally {
    store.close();
  }
}

function list(store: Store, json: boolean): ExitCode {
  const pins = store.pins.list().map(pinSummary);
  if (json) printJson(pins);
  else {
    printTable(
      ['SERVER', 'TOOL', 'STATUS', 'HASH', 'APPROVED'],
      pins.map((p) => [p.server, p.tool, p.status, p.hash.slice(0, 12), p.approvedAt]),
    );
  }
  return EXIT.OK;
}

function diff(view: ReturnType<typeof pinDiffView>, json: boolean): ExitCode {
  if (json) {
    printJson(view);
    return EXIT.OK;
  }
  if (view.changes.length === 0) {
    process.stdout.write(`${view.server}/${view.tool}: unchanged since approved ${view.approvedAt}\n`);
    return EXIT.OK;
  }
  const lines = [`${view.server}/${view.tool}: changed ${view.changedAt} (approved ${view.approvedAt})`];
  for (const change of view.changes) lines.push('', `${change.field}:`, change.diff);
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.OK;
}

function locate(store: Store, name: string) {
  try {
    return findPin(store.pins.list(), name);
  } catch (error) {
    if (HubError.is(error)) throw new CliError(EXIT.TOOL_ERROR, error.message);
    throw error;
  }
}
