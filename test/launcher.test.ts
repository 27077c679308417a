/**
 * The launcher runs the build in dist/ only while it is at least as new as every source file, so an
 * edit in src/ is never run stale; and the built CLI works (what `npm install` + `npm start` run).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILD_STAMP, cliEntry } from '../bin/entry.mjs';
import { childPids, killSurvivors, waitAllGone } from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { REPO, stderrUntil } from './support/cli.ts';

describe('the launcher', () => {
  it('picks dist/ when its stamp is newer than every source, src/ otherwise', () => {
    const root = mkdtempSync(join(tmpdir(), 'toolmesh-launcher-'));
    try {
      mkdirSync(join(root, 'src/cli'), { recursive: true });
      mkdirSync(join(root, 'dist'), { recursive: true });
      writeFileSync(join(root, 'src/cli/main.ts'), '');
      writeFileSync(join(root, 'src/cli/other.ts'), '');
      assert.equal(cliEntry(root), join(root, 'src/cli/main.ts'), 'no build yet');
      writeFileSync(join(root, BUILD_STAMP), '');
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(root, 'src/cli/main.ts'), past, past);
      utimesSync(join(root, 'src/cli/other.ts'), past, past);
      assert.equal(cliEntry(root), join(root, 'dist/cli/main.js'), 'a fresh build');
      utimesSync(join(root, 'src/cli/other.ts'), new Date(), new Date(Date.now() + 60_000));
      assert.equal(cliEntry(root), join(root, 'src/cli/main.ts'), 'a source edited after the build');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs the CLI through bin/toolmesh.mjs, from the build when npm install made one', () => {
    const entry = cliEntry(REPO);
    // After `npm install` (prepare builds dist/) and no edit since, this is the compiled CLI.
    if (existsSync(join(REPO, BUILD_STAMP))) assert.match(entry, /dist\/cli\/main\.js$/);
    const out = execFileSync(nodeBin, [join(REPO, 'bin/toolmesh.mjs'), '--version'], { encoding: 'utf8' });
    assert.match(out, /^\d+\.\d+\.\d+/);
  });

  it('on an older Node, runs the CLI on Node 24 and passes on a SIGTERM, so the hub and its servers stop', async () => {
    const old = olderNode();
    const dir = mkdtempSync(join(tmpdir(), 'toolmesh-launcher-'));
    const config = join(dir, 'toolmesh.yaml');
    const echo = [fixturePath('echo'), '--stdio'];
    writeFileSync(
      config,
      `servers:\n  echo: { command: ${JSON.stringify(nodeBin)}, args: ${JSON.stringify(echo)} }\n`,
    );
    const launcher = spawn(
      old,
      [join(REPO, 'bin/toolmesh.mjs'), 'serve', '--port', '0', '--config', config],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let processes: number[] = [];
    try {
      await stderrUntil(launcher, /"server settled"/);
      const hub = childPids(launcher.pid ?? 0);
      assert.equal(hub.length, 1, 'the CLI runs in one child process');
      const servers = childPids(hub[0] ?? 0);
      assert.equal(servers.length, 1, 'the echo server');
      processes = [...hub, ...servers];
      const exited = new Promise<number | null>((done) => launcher.once('exit', (code) => done(code)));
      launcher.kill('SIGTERM');
      assert.equal(await exited, 0, 'the CLI stops cleanly on SIGTERM, and the launcher exits as it did');
      await waitAllGone(processes, 'the hub and its server after the launcher got SIGTERM');
    } finally {
      launcher.kill('SIGKILL');
      killSurvivors(processes);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A `node` on PATH older than the launcher's minimum (Node 20 on our machines), as users may have. */
function olderNode(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    const [major = 0, minor = 0] = execFileSync(candidate, ['-p', 'process.versions.node'], {
      encoding: 'utf8',
    })
      .trim()
      .split('.')
      .map(Number);
    if (major < 22 || (major === 22 && minor < 18)) return candidate;
  }
  throw new Error(
    "no Node.js older than 22.18 on PATH: install Debian's nodejs package to test the launcher",
  );
}
