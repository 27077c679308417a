// Which file runs the CLI: the bundle that `npm install` builds into dist/ (no TypeScript stripper in
// memory and far fewer modules to load: less RSS, and a faster start), or the TypeScript in src/ when
// there is no build or it is older than a source file (a developer's edit), so an edit is never run stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written by scripts/build.mjs after a successful build. */
export const BUILD_STAMP = 'dist/BUILT';

/** The CLI entry under `root`: `dist/cli/main.js` when the build is at least as new as every source. */
export function cliEntry(root) {
  const source = join(root, 'src/cli/main.ts');
  const stamp = join(root, BUILD_STAMP);
  if (!existsSync(stamp)) return source;
  const built = statSync(stamp).mtimeMs;
  for (const file of readdirSync(join(root, 'src'), { recursive: true })) {
    if (file.endsWith('.ts') && statSync(join(root, 'src', file)).mtimeMs > built) return source;
  }
  return join(root, 'dist/cli/main.js');
}
