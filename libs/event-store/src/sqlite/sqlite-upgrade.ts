import type Database from 'better-sqlite3';
import type { DomainError } from '@daemonledger/domain/errors';
import { EVENT_INDEXES_V2, EVENTS_V2, SCHEMA_VERSION } from './sqlite-ddl';

const V1_COLUMNS = ['position', 'stream_id', 'revision', 'event_id', 'type', 'schema_version', 'data', 'metadata', 'recorded_at'];

/**
 * v1 → v2, in place, at open, in one transaction (a crash leaves the v1 file
 * as it was). The rows are rewritten into the v2 format (interned streams and
 * types, 16-byte ids, millisecond times) with the same positions, data and
 * metadata text; they get no hash: nothing vouches for what was written
 * before the chain existed. The chain starts at the first event appended
 * after the upgrade, recorded as `chain_from` (head + 1), which
 * `verifyIntegrity` reports as `chainedFrom`. Tables of other parts (the
 * snapshots) are left alone. Then a best-effort VACUUM gives the old table's
 * pages back to the file system.
 */
export const upgradeFromV1 = (db: Database.Database, fail: (message: string) => DomainError): void => {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('events') ORDER BY cid`).pluck().all() as string[];
  if (columns.join(',') !== V1_COLUMNS.join(',')) {
    throw fail(`the events table has columns [${columns.join(', ')}], expected the v1 columns [${V1_COLUMNS.join(', ')}]`);
  }
  db.function('dl_iso_ms', { deterministic: true }, (iso: unknown) => {
    const ms = Date.parse(String(iso));
    if (Number.isNaN(ms)) throw new Error(`recorded_at ${JSON.stringify(iso)} is not an ISO time`);
    return ms;
  });
  db.transaction(() => {
    // Indexes are built after the copy: one sort instead of a B-tree insert per row.
    db.exec(EVENTS_V2.replace('CREATE TABLE events (', 'CREATE TABLE events_v2 ('));
    db.exec(`
      INSERT INTO streams (name) SELECT stream_id FROM events GROUP BY stream_id ORDER BY min(position);
      INSERT INTO event_types (name) SELECT type FROM events GROUP BY type ORDER BY min(position);
      INSERT INTO events_v2 (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
        SELECT e.position, s.id, e.revision, unhex(replace(e.event_id, '-', '')), t.id, e.schema_version, e.data, e.metadata,
               dl_iso_ms(e.recorded_at), NULL
        FROM events e JOIN streams s ON s.name = e.stream_id JOIN event_types t ON t.name = e.type
        ORDER BY e.position;
      DROP TABLE events;
      ALTER TABLE events_v2 RENAME TO events;
    `);
    db.exec(EVENT_INDEXES_V2);
    const head = (db.prepare('SELECT max(position) FROM events').pluck().get() as number | null) ?? 0;
    const meta = db.prepare('INSERT OR REPLACE INTO daemonledger_meta (key, value) VALUES (?, ?)');
    meta.run('schema_version', String(SCHEMA_VERSION));
    meta.run('chain_from', String(head + 1));
    meta.run('upgraded_from_v1_at', new Date().toISOString());
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  try {
    db.exec('VACUUM');
  } catch {
    // Another connection is reading: the free pages are reused by later appends instead.
  }
};
