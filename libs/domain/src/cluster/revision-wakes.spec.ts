import type { ControllerRevision, OwnerReference } from '../api/types';
import type { ControllerRevisionEvent } from './events';
import { revisionWakes } from './revision-wakes';

const ds = (name: string): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: `uid-${name}`, controller: true });
const rev = (owner?: OwnerReference): ControllerRevision => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: { name: 'foo-abc', namespace: 'default', ...(owner ? { ownerReferences: [owner] } : {}) },
  data: {},
  revision: 1,
});
const notController: OwnerReference = { ...ds('foo'), controller: false };
const otherKind: OwnerReference = { ...ds('foo'), kind: 'StatefulSet' };

describe('which DaemonSets a ControllerRevision event wakes (upstream add/update/deleteHistory)', () => {
  it.each<[string, ControllerRevisionEvent, ControllerRevision | undefined, string[], boolean]>([
    ['created with a DaemonSet controller: none (a client-made revision is not deduplicated at once)', { type: 'ControllerRevisionCreated', data: { revision: rev(ds('foo')) } }, undefined, [], false],
    ['created orphaned: the namespace, to adopt it', { type: 'ControllerRevisionCreated', data: { revision: rev() } }, undefined, [], true],
    ['created with a non-controller owner: the namespace', { type: 'ControllerRevisionCreated', data: { revision: rev(notController) } }, undefined, [], true],
    ['created controlled by another kind: the namespace (no DaemonSet controls it)', { type: 'ControllerRevisionCreated', data: { revision: rev(otherKind) } }, undefined, [], true],
    ['labels changed on an owned revision: its controller', { type: 'ControllerRevisionLabelsChanged', data: { labels: { a: 'b' } } }, rev(ds('foo')), ['foo'], false],
    ['labels changed on an orphan: the namespace', { type: 'ControllerRevisionLabelsChanged', data: { labels: { a: 'b' } } }, rev(), [], true],
    ['renumbered: its controller', { type: 'ControllerRevisionRenumbered', data: { from: 1, to: 2 } }, rev(ds('foo')), ['foo'], false],
    ['annotations of an orphan changed: none', { type: 'ControllerRevisionAnnotationsChanged', data: { annotations: { a: 'b' } } }, rev(), [], false],
    ['adopted: the adopter, not the namespace', { type: 'ControllerRevisionOwnerChanged', data: { ownerReference: ds('foo') } }, rev(), ['foo'], false],
    ['moved between controllers: both', { type: 'ControllerRevisionOwnerChanged', data: { ownerReference: ds('bar') } }, rev(ds('foo')), ['foo', 'bar'], false],
    ['released: the old controller and the namespace', { type: 'ControllerRevisionOwnerChanged', data: { ownerReference: null } }, rev(ds('foo')), ['foo'], true],
    ['deleted while owned: its controller', { type: 'ControllerRevisionDeleted', data: { reason: 'user' } }, rev(ds('foo')), ['foo'], false],
    ['an orphan deleted: none', { type: 'ControllerRevisionDeleted', data: { reason: 'user' } }, rev(), [], false],
  ])('%s', (_name, event, before, controllers, namespace) => {
    expect(revisionWakes(event, before)).toEqual({ controllers, namespace });
  });
});
