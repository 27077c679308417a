// Imported (not read from a path relative to this file), so the bundle in dist/ carries it too.
import packageJson from '../package.json' with { type: 'json' };

/** The hub's version, from package.json; reported as `serverInfo.version` and `clientInfo.version`. */
export const VERSION: string = packageJson.version;
