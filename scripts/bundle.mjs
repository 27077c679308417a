// The CLI bundle (scripts/build.mjs writes it into dist/cli/; test/build.test.ts into a scratch directory).
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');

/**
 * Bundles src/cli/main.ts and everything it imports, dependencies included, into `outdir`.
 * @throws when esbuild is not installed (`ERR_MODULE_NOT_FOUND`) or the build fails.
 */
export async function bundleCli(outdir) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.18',
    // Commands and faces are imported when needed (src/cli/main.ts, serve.ts): they stay separate chunks.
    splitting: true,
    // Every output file sits in one directory. In dist/cli/ that is the depth of src/cli/: `import.meta`
    // paths that climb to the package root (the demo's, the compile cache's) resolve as from the sources.
    outdir,
    // V8 keeps the source text of every function: without whitespace the hub holds about 5 MB less
    // (measured with 10 servers). Names stay as written, so stack traces still name each function; run
    // `node src/cli/main.ts` for traces with source lines.
    minifyWhitespace: true,
    minifySyntax: true,
    // Bundled CommonJS dependencies call `require` (for Node's own modules); ESM has none.
    banner: {
      js: "import { createRequire as __toolmeshCreateRequire } from 'node:module'; const require = __toolmeshCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
