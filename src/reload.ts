/**
 * Config hot reload: when the file a hub was loaded from changes, the servers whose entries were added,
 * removed or changed are added, removed or restarted; every other server keeps running. New `discovery`
 * rules, a new `catalog` section, and the workflows and composites (files read again) apply at once
 * (clients are told to list again). A file that no
 * longer loads changes nothing: the last good config stays, and the error (file, field, fix) is logged.
 */
import { isDeepStrictEqual } from 'node:util';
import { Counter } from 'prom-client';
import { type ConfigError, formatIssue } from './config/config-error.ts';
import { diffServers, type ServerDiff } from './config/diff.ts';
import type { Env } from './config/interpolate.ts';
import { loadConfig } from './config/load.ts';
import type { HubConfig } from './config/model.ts';
import { watchFile } from './config/watch.ts';
import type { Hub } from './hub.ts';
import { prepareOrchestration } from './orchestrate.ts';

/** What one reload did. */
export type ReloadOutcome = { ok: true; diff: ServerDiff } | { ok: false; error: Error };

export interface ReloadOptions {
  debounceMs?: number;
  env?: Env;
  /** Told after every reload attempt (tests, the dashboard later). */
  onReload?(outcome: ReloadOutcome): void;
}

export interface ConfigReloader {
  /** Stops watching; a reload in progress finishes. */
  close(): Promise<void>;
}

/** Watches `hub.config.file` and applies each good edit to `hub`. */
export function reloadOnChange(hub: Hub, options: ReloadOptions = {}): ConfigReloader {
  const file = hub.config.file;
  let good: HubConfig = hub.config;
  const reloads = new Counter({
    name: 'toolmesh_config_reloads_total',
    help: 'Config file reloads, by result: ok (applied) or error (the last good config was kept)',
    labelNames: ['result'],
    registers: [hub.metrics],
  });
  // One reload at a time, in order: a second edit during a slow restart is applied after the first.
  let queue = Promise.resolve();
  const reload = async () => {
    let outcome: ReloadOutcome;
    try {
      const next = await loadConfig(file, options.env);
      const diff = diffServers(good.servers, next.servers);
      const catalogChanged = !isDeepStrictEqual(good.catalog, next.catalog);
      // The workflow files are read again on every reload of the config (edits of them alone wait for one);
      // one that no longer loads rejects the whole edit, before anything changed.
      const orchestration = await prepareOrchestration(hub, next);
      good = next; // before applying: a half-applied edit must not be diffed against again
      await apply(hub, diff);
      orchestration.apply();
      if (catalogChanged) hub.setCatalogConfig(next.catalog);
      if (!isDeepStrictEqual(hub.discovery, next.discovery)) hub.setDiscovery(next.discovery);
      report(hub, next, diff);
      outcome = { ok: true, diff };
    } catch (error) {
      const issues = (error as Partial<ConfigError>).issues?.map(formatIssue) ?? [(error as Error).message];
      hub.logger.error({ file, issues }, 'config reload failed: keeping the last good config');
      outcome = { ok: false, error: error as Error };
    }
    reloads.inc({ result: outcome.ok ? 'ok' : 'error' });
    options.onReload?.(outcome);
  };
  const watch = watchFile(
    file,
    () => {
      queue = queue.then(reload);
    },
    options.debounceMs,
  );
  return {
    async close() {
      await watch.close();
      await queue;
    },
  };
}

/** Removals first (a server renamed in the file frees its tool names), then changes, then additions. */
async function apply(hub: Hub, diff: ServerDiff): Promise<void> {
  for (const name of diff.removed) {
    if (hub.serverConfig(name)) await hub.removeServer(name);
  }
  // A server added at run time under a name the file now uses is taken over by the file's entry.
  for (const server of [...diff.changed, ...diff.added]) {
    if (hub.serverConfig(server.name)) await hub.replaceServer(server);
    else await hub.addServer(server);
  }
}

function report(hub: Hub, after: HubConfig, diff: ServerDiff): void {
  hub.logger.info(
    {
      file: after.file,
      added: diff.added.map((server) => server.name),
      removed: diff.removed,
      changed: diff.changed.map((server) => server.name),
    },
    'config reloaded',
  );
  for (const warning of after.warnings) hub.logger.warn({ file: after.file }, warning);
  if (!isDeepStrictEqual(hub.config.listen, after.listen)) {
    hub.logger.warn({ file: after.file }, 'listen changes take effect when the hub restarts');
  }
}
