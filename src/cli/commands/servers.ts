import { Hub } from '../../hub.ts';
import { createLogger } from '../../observability/logger.ts';
import type { ReplicaStatus } from '../../routing/replica.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { printJson, printTable } from '../output.ts';

export const summary = 'start every server once and report its state, tool count and last error';
export const help = `Usage: toolmesh servers [--config FILE] [--json]

Starts each configured server, reports it, and stops them again. A server with replicas gets one
indented row per replica (api#0, api#1, ...) with its state, circuit and ejection.
Exit code 0 when every enabled server is ready, 4 when one is not.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values } = parseCommand('servers', argv, {});
  const config = await resolveConfig(values.config);
  const hub = new Hub(config, { logger: createLogger(values.verbose ? 'debug' : 'silent') });
  await hub.start();
  const servers = hub.servers();
  await hub.stop();
  if (values.json) {
    printJson(servers);
  } else {
    printTable(
      ['NAME', 'STATE', 'TRANSPORT', 'TOOLS', 'PROMPTS', 'RESOURCES', 'LAST ERROR'],
      servers.flatMap((s) => [
        [
          s.name,
          s.state,
          s.transport,
          String(s.tools),
          String(s.prompts),
          String(s.resources),
          s.lastError ?? '',
        ],
        // A server with replicas gets one indented row per replica, with its circuit and ejection.
        ...(s.replicas.length > 1 ? s.replicas.map(replicaRow) : []),
      ]),
    );
  }
  const notReady = servers.some((s) => s.state !== 'ready' && s.state !== 'disabled');
  return notReady ? EXIT.UNAVAILABLE : EXIT.OK;
}

function replicaRow(replica: ReplicaStatus): string[] {
  const health = [
    replica.breaker === 'closed' ? '' : `circuit ${replica.breaker}`,
    replica.ejectedUntil ? 'ejected' : '',
    replica.mismatch ? 'not used' : '',
  ].filter(Boolean);
  const state = health.length > 0 ? `${replica.state} (${health.join(', ')})` : replica.state;
  return [
    `  ${replica.id}`,
    state,
    replica.transport,
    '',
    '',
    '',
    replica.mismatch ?? replica.lastError ?? '',
  ];
}
