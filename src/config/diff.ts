/** Which servers a config edit touches, so a reload restarts those and leaves every other one running. */
import { isDeepStrictEqual } from 'node:util';
import type { ServerConfig } from './model.ts';

export interface ServerDiff {
  /** In the new config only, in file order. */
  added: ServerConfig[];
  /** Names in the old config only. */
  removed: string[];
  /** In both, with a different config (the new one). */
  changed: ServerConfig[];
}

/**
 * Compares two server lists by name. Where an entry sits in the file (`source`) is not part of its config:
 * an edit above a server moves its line but must not restart it.
 */
export function diffServers(before: readonly ServerConfig[], after: readonly ServerConfig[]): ServerDiff {
  const old = new Map(before.map((server) => [server.name, server]));
  const next = new Set(after.map((server) => server.name));
  const added: ServerConfig[] = [];
  const changed: ServerConfig[] = [];
  for (const server of after) {
    const previous = old.get(server.name);
    if (!previous) added.push(server);
    else if (!isDeepStrictEqual(withoutSource(previous), withoutSource(server))) changed.push(server);
  }
  const removed = before.filter((server) => !next.has(server.name)).map((server) => server.name);
  return { added, removed, changed };
}

function withoutSource(server: ServerConfig): Omit<ServerConfig, 'source'> {
  const { source: _source, ...rest } = server;
  return rest;
}
