import { DEFAULT_STORE_PATH } from './config/catalog-config.ts';
import type { HubConfig } from './config/model.ts';
import { describeError } from './errors.ts';
import type { Logger } from './observability/logger.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { Store } from './store/store.ts';

/**
 * The store at `config.store.path`. When the default file cannot be opened (no writable home directory),
 * the hub runs with an in-memory store and says so: pins and names then last one run. A path the user
 * chose must work, so that failure is thrown.
 */
export function openStore(config: HubConfig, logger: Logger): Store {
  const path = config.store?.path ?? ':memory:';
  try {
    return openSqliteStore(path);
  } catch (error) {
    if (path !== DEFAULT_STORE_PATH) throw error;
    logger.warn({ err: describeError(error) }, 'store unavailable: pins and names are kept in memory only');
    return openSqliteStore(':memory:');
  }
}
