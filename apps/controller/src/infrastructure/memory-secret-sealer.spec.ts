import { MemorySecretSealer } from './memory-secret-sealer';
import { secretSealerContract } from './secret-sealer.contract';

describe('MemorySecretSealer', () => secretSealerContract(() => new MemorySecretSealer()));
