// `npm run build` (and `prepare`, so `npm install` runs it): compiles src/ into dist/ with tsc and stamps
// it. A failed build is reported and tolerated: the launcher then runs the TypeScript sources directly.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BUILD_STAMP } from '../bin/entry.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
let tsc;
try {
  // typescript's `exports` hide bin/, so it is found next to the package.json.
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
} catch {
  process.stderr.write('build skipped: typescript is not installed; toolmesh runs from src/\n');
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  process.stderr.write('build failed (see above); toolmesh runs from src/ meanwhile\n');
  process.exit(0);
}
writeFileSync(join(root, BUILD_STAMP), `${new Date().toISOString()}\n`);
