/** Types of bundle.mjs (plain JavaScript: `npm install` runs it before anything is compiled). */
export declare function bundleCli(outdir: string): Promise<void>;
