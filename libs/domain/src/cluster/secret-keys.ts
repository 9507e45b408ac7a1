import type { StoredObjectPayload } from './events';

/**
 * The data keys a log still needs: one per Secret alive in it (a Secret's
 * key id is its uid; one being deleted gracefully is still alive). Every
 * other key a server holds belongs to a Secret whose deletion is recorded
 * (crypto-shredding was cut short by a crash) or whose create never reached
 * the log: nothing readable needs it, so start-up destroys it.
 */
export const secretKeysInUse = (liveSecrets: Iterable<Pick<StoredObjectPayload, 'metadata'>>): Set<string> => {
  const keep = new Set<string>();
  for (const s of liveSecrets) if (s.metadata.uid) keep.add(s.metadata.uid);
  return keep;
};
