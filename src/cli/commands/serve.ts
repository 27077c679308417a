import { isAbsolute } from 'node:path';
import type { HubConfig } from '../../config/model.ts';
import { createLogger, type Logger } from '../../observability/logger.ts';
import { discardEarlySpawns, spawnEarly } from '../../upstream/early-spawn.ts';
import { CliError, EXIT, type ExitCode } from '../exit-codes.ts';
import { parseCommand, resolveConfig } from '../options.ts';
import { reclaimMemoryWhenIdle } from '../reclaim-memory.ts';

export const summary = 'serve the merged catalog over Streamable HTTP (default) or stdio';
export const help = `Usage: toolmesh serve [--config FILE] [--host 127.0.0.1] [--port 7420] [--stdio] [--verbose]

Starts every configured server and serves them as one MCP server.
  --stdio        speak MCP on stdin/stdout (for Claude Desktop, Cursor...); logs go to stderr only
  --host, --port where to listen for HTTP (endpoint /mcp, plus /healthz and /readyz)
Without --config, uses toolmesh.yaml|yml|json in the working directory, else the built-in demo.
The config file is watched: servers added, removed or changed in it are started, stopped or restarted
(the others keep running); an edit that does not load is logged and the last good config stays.`;

export async function run(argv: string[]): Promise<ExitCode> {
  const { values } = parseCommand('serve', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    stdio: { type: 'boolean' },
  });
  const config = await resolveConfig(values.config);
  // The first stdio servers' processes (one per CPU) start now, and boot while this process loads the hub
  // (the MCP SDK and the rest, imported below, then the face): ready sooner (docs/benchmarks.md). Their
  // first starts take them.
  spawnEarly(config.servers);
  const logger = createLogger(values.verbose ? 'debug' : undefined);
  for (const warning of config.warnings) logger.warn({ file: config.file }, warning);
  const { hub, orchestration, stop, resumeUnfinishedRuns, reloadOnChange } = await openServingHub(
    config,
    logger,
  ).catch((error: unknown) => {
    discardEarlySpawns();
    throw error;
  });
  logger.info({ config: config.file, servers: config.servers.length }, 'starting');
  reclaimMemoryWhenIdle(logger);
  // Started once the face is loaded (and listening), not before: spawning the other servers would leave
  // this process one CPU share among all of them while it loads the face (10 s for 30 servers, measured).
  // Runs a crash or a stop interrupted continue once the servers are up (their tools in the catalog). By
  // then every first start has taken its early process; any left over is of no use.
  const startServers = () =>
    hub.start().then(() => {
      discardEarlySpawns();
      resumeUnfinishedRuns(hub, orchestration.workflows);
    });
  // The built-in demo has no file to watch.
  const reloader = isAbsolute(config.file) ? reloadOnChange(hub) : undefined;

  if (values.stdio) {
    const { serveStdio } = await import('../../server/stdio.ts');
    const started = startServers();
    const served = serveStdio(hub);
    await Promise.race([Promise.all([started, served]), stopSignal()]);
    await reloader?.close();
    await stop();
    return EXIT.OK;
  }

  const host = values.host ?? config.listen.host;
  const port = parsePort(values.port) ?? config.listen.port;
  const { serveHttp } = await import('../../server/http.ts');
  const http = await serveHttp(hub, {
    host,
    port,
    allowedHosts: config.listen.allowedHosts,
    adminToken: process.env.TOOLMESH_ADMIN_TOKEN || undefined,
  }).catch(async (error: Error) => {
    discardEarlySpawns();
    await reloader?.close();
    await stop();
    // The common case, another `toolmesh serve` on the default port, gets the way out in the message.
    const fix =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? ' (another toolmesh serve? pick a free port with --port or `listen.port`, or serve over --stdio)'
        : '';
    throw new CliError(EXIT.FAILURE, `cannot listen on ${host}:${port}: ${error.message}${fix}`);
  });
  logger.info({ url: http.url }, 'listening');
  void startServers().then(() => {
    for (const server of hub.servers()) {
      const { name, state, tools, lastError } = server;
      logger.info({ server: name, state, tools, ...(lastError && { lastError }) }, 'server settled');
    }
  });
  await stopSignal();
  logger.info('stopping');
  await reloader?.close();
  await http.close();
  await stop();
  return EXIT.OK;
}

/** The hub with its orchestration, and what `serve` needs besides, loaded only now (after the early spawn). */
async function openServingHub(config: HubConfig, logger: Logger) {
  const [{ openHub }, { resumeUnfinishedRuns }, { reloadOnChange }] = await Promise.all([
    import('../open-hub.ts'),
    import('../../orchestrate.ts'),
    import('../../reload.ts'),
  ]);
  return { ...(await openHub(config, logger)), resumeUnfinishedRuns, reloadOnChange };
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(EXIT.USAGE, `--port must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

/** Resolves on the first SIGINT, SIGTERM or SIGHUP, so the hub stops its servers before the process exits. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
}
