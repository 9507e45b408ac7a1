import { aDaemonSet } from '../../test/a-daemon-set';
import { admitDaemonSetCreate } from './daemon-set-strategy';
import { applyJsonMergePatch, type JsonValue } from './patch';
import { admitDaemonSetStatusUpdate, admitNodeStatusUpdate, admitPodStatusUpdate, statusWriteMetadata } from './status-strategy';
import type { DaemonSet, Node, Pod } from './types';
import { isDomainError } from '../errors';

const stored = (): DaemonSet => {
  const ds = admitDaemonSetCreate(aDaemonSet({ metadata: { labels: { app: 'foo' } } }));
  return {
    ...ds,
    metadata: { ...ds.metadata, uid: 'uid-1', resourceVersion: '42', creationTimestamp: '2026-12-02T10:00:00Z', managedFields: [{ manager: 'kubectl', operation: 'Update' }] },
    status: { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 1 },
  };
};

const mergePatched = <T>(obj: T, patch: unknown): T => applyJsonMergePatch(obj as unknown as JsonValue, patch as JsonValue) as unknown as T;

/** The body upstream's e2e "should verify changes to a daemon set status" sends: json.Marshal of a DaemonSet holding only a condition. */
const GO_STRUCT_STATUS_PATCH = {
  metadata: { creationTimestamp: null },
  spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, updateStrategy: {} },
  status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, conditions: [{ type: 'StatusPatched', status: 'True', lastTransitionTime: null, reason: '', message: '' }] },
};

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (isDomainError(e, 'Invalid')) return (e.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
    throw e;
  }
  throw new Error('expected a 422');
};

describe('status subresource writes keep the stored metadata and spec (upstream status strategies)', () => {
  it('a Go-struct merge patch (creationTimestamp null, zero spec) changes the status only', () => {
    const prev = stored();
    const next = admitDaemonSetStatusUpdate(mergePatched(prev, GO_STRUCT_STATUS_PATCH), prev);
    expect(next.spec).toEqual(prev.spec);
    expect(next.metadata).toEqual(prev.metadata);
    expect(next.status?.conditions).toEqual([expect.objectContaining({ type: 'StatusPatched', status: 'True' })]);
    expect(next.status?.numberReady).toBe(0);
  });

  it.each<[string, (m: DaemonSet['metadata']) => DaemonSet['metadata']]>([
    ['generation', (m) => ({ ...m, generation: 99 })],
    ['creationTimestamp', (m) => ({ ...m, creationTimestamp: '2020-01-01T00:00:00Z' })],
    ['deletionTimestamp', (m) => ({ ...m, deletionTimestamp: '2030-01-01T00:00:00Z' })],
    ['managedFields', (m) => ({ ...m, managedFields: [] })],
    ['a missing uid', (m) => ({ ...m, uid: undefined })],
  ])('ignores %s in the body, as the registry does', (_name, change) => {
    const prev = stored();
    expect(admitDaemonSetStatusUpdate({ ...prev, metadata: change(prev.metadata) }, prev).metadata).toEqual(prev.metadata);
  });

  it.each([['no status', undefined], ['status: null', null]])('a body with %s stores the zero status (Go decodes it so), not a 500', (_name, status) => {
    const prev = stored();
    const next = admitDaemonSetStatusUpdate({ ...prev, status: status as unknown as DaemonSet['status'] }, prev);
    expect(next.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  it("keeps the caller's resourceVersion, the precondition the command checks", () => {
    const prev = stored();
    expect(admitDaemonSetStatusUpdate({ ...prev, metadata: { ...prev.metadata, resourceVersion: '41' } }, prev).metadata.resourceVersion).toBe('41');
  });

  it('takes labels and annotations from the body, as upstream does (the caller records them with the status)', () => {
    const prev = stored();
    const body = mergePatched(prev, { metadata: { labels: { app: 'foo', tier: 'web' }, annotations: { note: 'checked' } }, status: { numberReady: 2 } });
    const next = admitDaemonSetStatusUpdate(body, prev);
    expect(next.metadata.labels).toEqual({ app: 'foo', tier: 'web' });
    expect(next.metadata.annotations).toEqual({ ...prev.metadata.annotations, note: 'checked' });
    expect(statusWriteMetadata(next)).toEqual({ labels: { app: 'foo', tier: 'web' }, annotations: { ...prev.metadata.annotations, note: 'checked' } });
    expect({ ...next.metadata, labels: undefined, annotations: undefined }).toEqual({ ...prev.metadata, labels: undefined, annotations: undefined });
    expect(next.status?.numberReady).toBe(2);
  });

  it('a label removed through /status is removed', () => {
    const prev = stored();
    expect(statusWriteMetadata(admitDaemonSetStatusUpdate(mergePatched(prev, { metadata: { labels: null } }), prev)).labels).toEqual({});
  });

  it.each<[string, (m: DaemonSet['metadata']) => DaemonSet['metadata'], string]>([
    ['another uid', (m) => ({ ...m, uid: 'uid-2' }), 'metadata.uid: Invalid value: "uid-2": field is immutable'],
    ['a finalizer', (m) => ({ ...m, finalizers: ['f'] }), 'metadata.finalizers: Forbidden: DaemonLedger does not keep finalizers set by an update on daemonsets'],
    [
      'an owner reference (no DaemonSet command records owners)',
      (m) => ({ ...m, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'o-uid' }] }),
      'metadata.ownerReferences: Forbidden: DaemonLedger does not record owner reference changes on daemonsets',
    ],
    ['an invalid label key', (m) => ({ ...m, labels: { 'bad key': 'x' } }), 'metadata.labels: Invalid value: "bad key"'],
    ['an invalid label value', (m) => ({ ...m, labels: { app: '-x-' } }), 'metadata.labels: Invalid value: "-x-"'],
  ])('refuses %s (422) instead of dropping it', (_name, change, message) => {
    const prev = stored();
    expect(refusal(() => admitDaemonSetStatusUpdate({ ...prev, metadata: change(prev.metadata) }, prev)).join('\n')).toContain(message);
  });

  it('treats absent and empty label maps as the same', () => {
    const prev = { ...stored(), metadata: { ...stored().metadata, annotations: {} } };
    expect(() => admitDaemonSetStatusUpdate({ ...prev, metadata: { ...prev.metadata, annotations: undefined } }, prev)).not.toThrow();
  });

  it('still validates the status itself', () => {
    const prev = stored();
    expect(refusal(() => admitDaemonSetStatusUpdate({ ...prev, status: { ...prev.status!, numberReady: -1 } }, prev)).join()).toContain('status.numberReady');
  });

  it('pods: spec and metadata stay, the status is the body\'s', () => {
    const prev: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'u', creationTimestamp: '2026-12-02T10:00:00Z', labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'd', controller: true }] },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Pending' },
    };
    const next = admitPodStatusUpdate(mergePatched(prev, { metadata: { creationTimestamp: null }, spec: { containers: null }, status: { phase: 'Running' } }), prev);
    expect(next).toEqual({ ...prev, status: { phase: 'Running' } });
  });

  describe('pods (podStatusStrategy)', () => {
    const prev: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'default',
        uid: 'u',
        creationTimestamp: '2026-12-02T10:00:00Z',
        deletionTimestamp: '2026-12-02T11:00:00Z',
        deletionGracePeriodSeconds: 30,
        labels: { a: 'b' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'd', controller: true }],
      },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Running', qosClass: 'BestEffort' },
    };

    it('keeps the stored owner references and deletionTimestamp whatever the body says; labels and annotations are the body\'s', () => {
      const body = mergePatched(prev, {
        metadata: { labels: { a: 'c' }, annotations: { x: 'y' }, ownerReferences: null, deletionTimestamp: null },
        status: { phase: 'Failed' },
      });
      const next = admitPodStatusUpdate(body, prev);
      expect(next.metadata).toEqual({ ...prev.metadata, labels: { a: 'c' }, annotations: { x: 'y' } });
    });

    it('an empty qosClass keeps the stored class (set at creation, immutable)', () => {
      expect(admitPodStatusUpdate({ ...prev, status: { phase: 'Failed' } }, prev).status).toEqual({ phase: 'Failed', qosClass: 'BestEffort' });
    });

    it('refuses a finalizer added through /status', () => {
      expect(refusal(() => admitPodStatusUpdate({ ...prev, metadata: { ...prev.metadata, finalizers: ['x'] } }, prev)).join()).toContain('metadata.finalizers: Forbidden');
    });
  });

  it('nodes: labels from the body, an owner reference refused', () => {
    const prev: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u', labels: { zone: 'a' } }, spec: {}, status: {} };
    expect(admitNodeStatusUpdate(mergePatched(prev, { metadata: { labels: { zone: 'b' } } }), prev).metadata.labels).toEqual({ zone: 'b' });
    const owned = { ...prev, metadata: { ...prev.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x' }] } };
    expect(refusal(() => admitNodeStatusUpdate(owned, prev)).join()).toContain('metadata.ownerReferences: Forbidden');
  });

  it('nodes: spec (taints, unschedulable) stays, the status is the body\'s', () => {
    const prev: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u', creationTimestamp: '2026-12-02T10:00:00Z' }, spec: { unschedulable: true }, status: { conditions: [] } };
    const next = admitNodeStatusUpdate(mergePatched(prev, { metadata: { creationTimestamp: null }, spec: { unschedulable: null }, status: { capacity: { cpu: '4' } } }), prev);
    expect(next).toEqual({ ...prev, status: { conditions: [], capacity: { cpu: '4' } } });
  });
});
