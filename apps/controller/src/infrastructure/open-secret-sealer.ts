import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import { FileSecretSealer, SECRET_KEYS_DIR } from './file-secret-sealer';
import { MemorySecretSealer } from './memory-secret-sealer';
import type { SecretSealer } from './secret-sealer.port';

/**
 * The sealer beside a configured log: keys in memory for an in-memory log
 * (both vanish together), else files under DATA_DIR/secret-keys (for
 * EventStoreDB too: key material never enters the log, wherever it is).
 */
export const openSecretSealer = (config: Pick<AppConfig, 'dataDir' | 'eventStore'>): SecretSealer =>
  config.eventStore.kind === 'memory' ? new MemorySecretSealer() : new FileSecretSealer(join(config.dataDir, SECRET_KEYS_DIR));
