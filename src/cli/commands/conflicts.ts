import { createLogger } from '../../observability/logger.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { openHub } from '../open-hub.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { note, printJson, printTable } from '../output.ts';

export const summary = 'report name collisions: what collided, who keeps the name, and why';
export const help = `Usage: toolmesh conflicts [--config FILE] [--json]

Starts the configured servers, prints every tool, prompt, resource URI and resource template that more
than one server offers (names compared after Unicode normalisation and case folding), what each is
served as, which server keeps the name and why, and stops them again. See docs/conflicts.md.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values } = parseCommand('conflicts', argv, {});
  const config = await resolveConfig(values.config);
  const { hub, stop } = await openHub(config, createLogger(values.verbose ? 'debug' : 'silent'));
  await hub.start();
  const { conflicts } = hub.catalog;
  const unavailable = hub.servers().filter((s) => s.state !== 'ready' && s.state !== 'disabled');
  await stop();
  if (values.json) printJson(conflicts);
  else if (conflicts.length === 0) process.stdout.write('no conflicts\n');
  else {
    printTable(
      ['KIND', 'NAME', 'WINNER', 'SERVED AS', 'WHY'],
      conflicts.map((c) => [
        c.kind,
        c.name,
        c.winner ?? '-',
        c.entries.map((e) => `${e.server}: ${e.served ?? '(not served)'}`).join(', '),
        `${c.decidedBy}: ${c.reason}`,
      ]),
    );
  }
  for (const server of unavailable)
    note(`warning: server "${server.name}" is ${server.state}, so its names are not in this report`);
  return EXIT.OK;
}
