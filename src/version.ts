import { createRequire } from 'node:module';

/** The hub's version, from package.json; reported as `serverInfo.version` and `clientInfo.version`. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;
