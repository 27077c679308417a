#!/usr/bin/env node
// Launcher: runs the CLI compiled into dist/ by `npm install`, or the TypeScript sources by Node's type
// stripping (Node >= 22.18) when there is no fresh build (see entry.mjs). When an older `node` comes
// first on PATH, re-run on the Node 24 that `npm install` put in node_modules (package `node`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cliEntry } from './entry.mjs';

const main = cliEntry(fileURLToPath(new URL('..', import.meta.url)));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import(main);
} else {
  let node;
  try {
    node = createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    process.stderr.write(
      `toolmesh needs Node.js >= 22.18 (found ${process.versions.node}); run "npm install" first.\n`,
    );
    process.exit(1);
  }
  // A host stops the hub by signalling the process it started, this one: SIGTERM is passed on, else the
  // CLI would run on without it. SIGINT and SIGHUP from a terminal reach both processes already (one
  // process group), so they are not passed on, only outlived: a second one would cut the CLI's shutdown.
  const child = spawn(node, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  child.on('exit', (status, signal) => {
    if (!signal) process.exit(status ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
