/** Types of entry.mjs (plain JavaScript, so the launcher runs on any Node before it picks one). */
export declare const BUILD_STAMP: string;
export declare function cliEntry(root: string): string;
