import type { DaemonSet } from '@daemonledger/domain/api/types';
import { eventSummary } from './event-summary';

/** The audit's DETAIL of compact events (issue #8 §2): said from what they record, images from the DaemonSet version. */
describe('eventSummary of compact events', () => {
  const ds = { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.9.1' }] } } } } as DaemonSet;
  const created = {
    type: 'PodCreated',
    streamId: 'pod-default.nginx-ds-abcde',
    data: { daemonPod: { daemonSet: 'nginx-ds', version: 12, node: 'node-1', uid: 'u', hash: '5b8c', created: '2026-12-01T10:00:00Z' } },
  };

  it('says a daemon pod’s node, images and hash, the images read from the DaemonSet version it was built from', () => {
    const asked: unknown[] = [];
    const daemonSetAt = (...args: unknown[]) => (asked.push(args), ds);
    expect(eventSummary(created, { daemonSetAt })).toBe('on node-1 image nginx:1.9.1 hash 5b8c');
    expect(asked).toEqual([['default', 'nginx-ds', 12]]);
    expect(eventSummary(created)).toBe('on node-1 hash 5b8c');
  });

  it('says a kubelet’s observation as it says a whole status', () => {
    const data = { kubelet: { at: '2026-12-01T10:00:01Z', state: 'Waiting', reason: 'ErrImagePull', message: 'not found', hostIP: '10.0.0.2', podIP: '10.244.0.2' } };
    expect(eventSummary({ type: 'PodStatusReported', data })).toBe('Pending ErrImagePull: not found');
    expect(eventSummary({ type: 'PodStatusReported', data: { kubelet: { ...data.kubelet, state: 'Running', ready: true, reason: undefined, message: undefined } } })).toBe('Running Ready');
  });

  it('says the DaemonSet status fields that changed', () =>
    expect(eventSummary({ type: 'DaemonSetStatusChanged', data: { changed: { numberReady: 3, numberAvailable: 3, numberUnavailable: 0 } } })).toBe('available 3, unavailable 0'));
});
