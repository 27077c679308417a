/**
 * One server entry → one logical `ServerConfig`: a plain entry is built as it is; an entry with
 * `replicas:` has each replica built like a server of its own (same checks, messages pointing at
 * `servers.<name>.replicas[i]`), sharing the entry's other options. Routing and resilience defaults are
 * filled in for both.
 */
import { formatPath } from './config-error.ts';
import type { ReplicaConfig, ServerConfig } from './model.ts';
import { type BuildContext, buildServer } from './normalize.ts';
import { resilienceFields, resolveResilience } from './resilience.ts';
import type { ServerEntry } from './schema.ts';

/** Fields that say how to reach a server; with `replicas:` they belong inside each replica. */
const CONNECTION_KEYS = [
  'type',
  'transport',
  'command',
  'args',
  'env',
  'inheritEnv',
  'cwd',
  'url',
  'serverUrl',
  'httpUrl',
  'headers',
] as const;

const RESILIENCE_KEYS = Object.keys(resilienceFields) as (keyof typeof resilienceFields)[];

/** Builds the logical server, or returns undefined after adding fatal issues to `ctx.issues`. */
export function buildLogicalServer(
  name: string,
  entry: ServerEntry,
  ctx: BuildContext,
): ServerConfig | undefined {
  // Absent when nothing was written, so the model stays as small as the entry (consumers use the defaults).
  const written = RESILIENCE_KEYS.some((key) => entry[key] !== undefined);
  const resilience = written ? resolveResilience(entry) : undefined;
  if (!entry.replicas) {
    const server = buildServer(name, entry, ctx);
    return server && resilience ? { ...server, resilience } : server;
  }
  const misplaced = CONNECTION_KEYS.filter((key) => entry[key] !== undefined);
  for (const key of misplaced) {
    const path = [ctx.topKey, name, key];
    ctx.issues.push({
      file: ctx.file,
      ...ctx.locate(path),
      path: formatPath(path),
      message: 'not allowed next to replicas',
      fix: 'move it into each replica, or remove replicas',
    });
  }
  const shared: ServerEntry = { ...entry, replicas: undefined };
  for (const key of CONNECTION_KEYS) delete shared[key];
  const built = entry.replicas.map(({ weight: _weight, ...replica }, index) =>
    buildServer(name, { ...shared, ...replica }, { ...ctx, at: [ctx.topKey, name, 'replicas', index] }),
  );
  const first = built[0];
  if (misplaced.length > 0 || !first || built.some((server) => server === undefined)) return undefined;
  const replicas = (built as ServerConfig[]).map(
    (server, index): ReplicaConfig => ({
      transport: server.transport,
      command: server.command,
      args: server.args,
      env: server.env,
      inheritEnv: server.inheritEnv,
      cwd: server.cwd,
      url: server.url,
      headers: server.headers,
      problem: server.problem,
      weight: entry.replicas?.[index]?.weight ?? 1,
    }),
  );
  // `validate` reports the server's problem: the first replica's that has one.
  const problem = replicas.find((replica) => replica.problem !== undefined)?.problem;
  const line = ctx.locate([ctx.topKey, name])?.line;
  const source = line === undefined ? { file: ctx.sourceFile } : { file: ctx.sourceFile, line };
  return { ...first, problem, replicas, resilience: resilience ?? resolveResilience({}), source };
}
