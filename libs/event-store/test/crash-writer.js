// Child process for sqlite-crash.int-spec.ts: appends batches through the real
// SqliteEventStore until it is killed. After each acknowledged append it prints
//   ACK <position> <streamId> <firstRevision> <count> <id,id,…>
// (stdout to a pipe is synchronous on Linux, so a printed ACK was acknowledged
// before the kill). Every event's metadata names its batch and size so the
// parent can prove no batch was stored partially, acknowledged or not.
require('../../testing/swc-register');
const { randomUUID } = require('node:crypto');
const { SqliteEventStore } = require('../src/sqlite/sqlite-event-store.ts');

const [file, seedArg] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0 || 1;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const main = async () => {
  const store = new SqliteEventStore({ file });
  const revisions = new Map();
  const payload = 'p'.repeat(200);
  process.stdout.write('READY\n');
  for (;;) {
    const streamId = `pod-crash.worker-${Math.floor(random() * 30)}`;
    if (!revisions.has(streamId)) {
      const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      revisions.set(streamId, last ? last.revision : -1);
    }
    const count = 1 + Math.floor(random() * 20);
    const batchId = randomUUID();
    const events = Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      type: 'PodPhaseChanged',
      data: { i, payload },
      metadata: { correlationId: batchId, batchSize: count, batchIndex: i },
    }));
    const expected = revisions.get(streamId);
    const { position, nextExpectedRevision } = await store.append(streamId, events, { expectedRevision: expected });
    revisions.set(streamId, nextExpectedRevision);
    process.stdout.write(`ACK ${position} ${streamId} ${expected + 1} ${count} ${events.map((e) => e.id).join(',')}\n`);
  }
};

main().catch((e) => {
  process.stderr.write(`crash-writer failed: ${e.stack || e}\n`);
  process.exit(1);
});
