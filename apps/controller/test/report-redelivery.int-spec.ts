import { TOPICS, type TransportMessage } from '@daemonledger/messaging';
import { manifest, startHarness, type Harness } from './harness';

const ready = (p: { status?: { conditions?: { type: string; status: string }[] } }) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Kafka delivers a report again when its offset was not committed before a
 * broker or a controller died. The controller must then record nothing new:
 * an older "ContainerCreating" delivered again after "Running" would
 * otherwise show a running pod as starting again, in the view and in the audit.
 */
describe('kubelet reports delivered again (at-least-once)', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it('every pod report of a rollout, delivered a second time afterwards, appends nothing and changes no view', async () => {
    h = await startHarness({ nodes: 3, podStartMs: 30 });
    const reports: TransportMessage[] = [];
    await h.transport.subscribe(TOPICS.nodeReports, 'recorder', (m) => void reports.push(m));
    await h.apply(manifest('nginx-ds.yaml'));
    await h.until(() => h!.pods().length === 3 && h!.pods().every(ready));
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
    await h.until(() => h!.pods().length === 3 && h!.pods().every((p) => p.spec.containers[0].image === 'nginx:1.9.1' && ready(p)));

    const podReports = reports.filter((m) => (m.value as { kind: string }).kind !== 'NodeRegister');
    // The rollout's pods were reported starting, then running: an older report exists for each.
    expect(podReports.filter((m) => JSON.stringify(m.value).includes('ContainerCreating')).length).toBeGreaterThanOrEqual(6);
    const head = await h.store.headPosition();
    const pods = JSON.stringify(h.pods());

    await h.transport.publishBatch(podReports.map((m) => ({ topic: m.topic, key: m.key, value: m.value })));
    await h.transport.drain();
    await h.settle();

    expect(await h.store.headPosition()).toBe(head);
    expect(JSON.stringify(h.pods())).toBe(pods);
  });
});
