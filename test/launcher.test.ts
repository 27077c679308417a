/**
 * The launcher runs the build in dist/ only while it is at least as new as every source file, so an
 * edit in src/ is never run stale; and the built CLI works (what `npm install` + `npm start` run).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILD_STAMP, cliEntry } from '../bin/entry.mjs';
import { nodeBin } from './fixtures/spawn.ts';
import { REPO } from './support/cli.ts';

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
});
