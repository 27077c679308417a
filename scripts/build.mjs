// `npm run build` (and `prepare`, so `npm install` runs it): bundles the CLI and everything it imports,
// dependencies included, into dist/cli/ with esbuild, and stamps it. One file per command plus shared
// chunks instead of about 600 modules: the hub starts about 0.1 s sooner and holds about 19 MB less
// (measured, docs/benchmarks.md), since Node no longer resolves, reads and links each module. A failed or
// skipped build is reported and tolerated: the launcher then runs the TypeScript sources directly.
// Type checking is `npm run typecheck`'s job (esbuild only strips types).
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUILD_STAMP } from '../bin/entry.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('build skipped: esbuild is not installed; toolmesh runs from src/\n');
  process.exit(0);
}
try {
  await esbuild.build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.18',
    // Commands and faces are imported when needed (src/cli/main.ts, serve.ts): they stay separate chunks.
    splitting: true,
    // Every output file sits in dist/cli/, at the depth of src/cli/: `import.meta` paths that climb to the
    // package root (the demo's, the compile cache's) resolve the same from the bundle as from the sources.
    outdir: join(root, 'dist/cli'),
    // Bundled CommonJS dependencies call `require` (for Node's own modules); ESM has none.
    banner: {
      js: "import { createRequire as __toolmeshCreateRequire } from 'node:module'; const require = __toolmeshCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
} catch (error) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  process.stderr.write(`build failed (${error.message}); toolmesh runs from src/ meanwhile\n`);
  process.exit(0);
}
writeFileSync(join(root, BUILD_STAMP), `${new Date().toISOString()}\n`);
