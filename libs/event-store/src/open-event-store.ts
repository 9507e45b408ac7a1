import { z } from 'zod';
import { DomainError } from '@daemonledger/domain/errors';
import type { EventStore } from './event-store.port';
import { MemoryEventStore } from './memory/memory-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import type { UpcasterRegistry } from './upcaster-registry';

const common = {
  maxEventBytes: z.number().int().positive().optional(),
};

export const eventStoreConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sqlite'),
    file: z.string().min(1),
    synchronous: z.enum(['FULL', 'NORMAL']).optional(),
    pollIntervalMs: z.number().int().positive().optional(),
    /** PRAGMA quick_check at open (default true); `npm run verify` turns it off: its check runs quick_check on the second core. */
    verifyOnOpen: z.boolean().optional(),
    ...common,
  }),
  z.object({ kind: z.literal('memory'), ...common }),
  z.object({ kind: z.literal('eventstoredb'), connectionString: z.string().min(1), ...common }),
]);

export type EventStoreConfig = z.infer<typeof eventStoreConfigSchema>;

/**
 * Opens the configured adapter. The config is parsed with zod and every issue
 * is reported; the upcaster registry is code, not config, so it comes separately.
 */
export const openEventStore = async (config: EventStoreConfig, upcasters?: UpcasterRegistry): Promise<EventStore> => {
  const parsed = eventStoreConfigSchema.safeParse(config);
  if (!parsed.success) {
    const causes = parsed.error.issues.map((i) => ({ reason: 'FieldValueInvalid', message: i.message, field: ['eventStore', ...i.path].join('.') }));
    throw new DomainError('Invalid', `Invalid event store configuration: ${causes.map((c) => `${c.field}: ${c.message}`).join('; ')}`, { causes });
  }
  const c = parsed.data;
  const options = { ...(upcasters ? { upcasters } : {}), ...(c.maxEventBytes ? { maxEventBytes: c.maxEventBytes } : {}) };
  switch (c.kind) {
    case 'sqlite':
      return new SqliteEventStore({ ...options, file: c.file, synchronous: c.synchronous, pollIntervalMs: c.pollIntervalMs, verifyOnOpen: c.verifyOnOpen });
    case 'memory':
      return new MemoryEventStore(options);
    case 'eventstoredb': {
      // Loaded when chosen: its gRPC client is ~170 modules that `npm run verify` on a SQLite file would otherwise load first.
      const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store');
      return new EventStoreDbEventStore({ ...options, connectionString: c.connectionString });
    }
  }
};
