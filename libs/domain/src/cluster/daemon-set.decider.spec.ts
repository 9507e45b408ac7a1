import type { DaemonSet } from '../api/types';
import { DomainError } from '../errors';
import { decideDaemonSet, type DaemonSetCommand } from './daemon-set.decider';
import { evolveDaemonSet } from './evolve';
import type { DaemonSetEvent } from './events';

const ctx = { now: '2026-11-22T10:00:00Z', newUid: 'uid-1' };

const aDaemonSet = (image = 'nginx:1.8.0'): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'foo', namespace: 'default', labels: { app: 'foo' } },
  spec: {
    selector: { matchLabels: { app: 'foo' } },
    template: { metadata: { labels: { app: 'foo' } }, spec: { containers: [{ name: 'c', image }] } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
  },
});

/** given events (applied at positions 1, 2, …) → current state */
const given = (...events: DaemonSetEvent[]) =>
  events.reduce<DaemonSet | undefined>((s, e, i) => evolveDaemonSet(s, e, String(i + 1)), undefined);

const created = () => decideDaemonSet({ type: 'CreateDaemonSet', daemonSet: aDaemonSet() }, undefined, ctx);

const when = (state: DaemonSet | undefined, cmd: DaemonSetCommand) => decideDaemonSet(cmd, state, ctx);

describe('DaemonSet decider', () => {
  it('§8.1 create sets uid, generation 1 and template generation annotation "1"', () => {
    const [e] = created();
    expect(e.type).toBe('DaemonSetCreated');
    const ds = given(e)!;
    expect(ds.metadata).toMatchObject({
      uid: 'uid-1',
      generation: 1,
      creationTimestamp: ctx.now,
      resourceVersion: '1',
      annotations: { 'deprecated.daemonset.template.generation': '1' },
    });
    expect(ds.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  it('refuses to create what exists (AlreadyExists) and to update what does not (NotFound)', () => {
    const ds = given(...created());
    expect(() => when(ds, { type: 'CreateDaemonSet', daemonSet: aDaemonSet() })).toThrow(
      expect.objectContaining({ code: 'AlreadyExists', message: 'daemonsets.apps "foo" already exists' }),
    );
    expect(() => when(undefined, { type: 'UpdateDaemonSet', daemonSet: aDaemonSet() })).toThrow(
      expect.objectContaining({ code: 'NotFound' }),
    );
  });

  it('§8.13 generation bookkeeping: image → gen 2 / tg 2; strategy only → gen 3 / tg 2; labels only → no bump', () => {
    let ds = given(...created())!;
    const image = when(ds, { type: 'UpdateDaemonSet', daemonSet: { ...ds, spec: { ...ds.spec, template: aDaemonSet('nginx:1.9.1').spec.template } } });
    ds = evolveDaemonSet(ds, image[0], '2')!;
    expect(ds.metadata.generation).toBe(2);
    expect(ds.metadata.annotations!['deprecated.daemonset.template.generation']).toBe('2');

    const strategy = when(ds, {
      type: 'UpdateDaemonSet',
      daemonSet: { ...ds, spec: { ...ds.spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } } } },
    });
    ds = evolveDaemonSet(ds, strategy[0], '3')!;
    expect(ds.metadata.generation).toBe(3);
    expect(ds.metadata.annotations!['deprecated.daemonset.template.generation']).toBe('2');

    const labels = when(ds, { type: 'UpdateDaemonSet', daemonSet: { ...ds, metadata: { ...ds.metadata, labels: { app: 'foo', tier: 'x' } } } });
    expect(labels.map((e) => e.type)).toEqual(['DaemonSetMetadataChanged']);
    ds = evolveDaemonSet(ds, labels[0], '4')!;
    expect(ds.metadata.generation).toBe(3);
  });

  it('ignores a client-supplied template generation annotation and status', () => {
    const ds = given(...created())!;
    const events = when(ds, {
      type: 'UpdateDaemonSet',
      daemonSet: {
        ...ds,
        metadata: { ...ds.metadata, annotations: { 'deprecated.daemonset.template.generation': '42' } },
        status: { ...ds.status!, numberReady: 9 },
      },
    });
    expect(events).toEqual([]);
  });

  it('an identical apply appends nothing', () => {
    const ds = given(...created())!;
    expect(when(ds, { type: 'UpdateDaemonSet', daemonSet: ds })).toEqual([]);
  });

  it('a stale resourceVersion is a Conflict with the API server message', () => {
    const ds = given(...created())!;
    try {
      when(ds, { type: 'UpdateDaemonSet', daemonSet: aDaemonSet('x'), expectedResourceVersion: '0' });
      throw new Error('expected a conflict');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('Conflict');
      expect((e as DomainError).message).toMatch(/Operation cannot be fulfilled on daemonsets.apps "foo": the object has been modified/);
    }
  });

  it.each([
    ['a stale status write', { type: 'UpdateDaemonSetStatus', status: { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1 }, expectedResourceVersion: '7' }, /the object has been modified/],
    ['a delete for another uid', { type: 'DeleteDaemonSet', propagationPolicy: 'Background', expectedUid: 'other' }, /^Precondition failed: UID in precondition: other, UID in object meta: uid-1$/],
    ['a delete for a stale resourceVersion', { type: 'DeleteDaemonSet', propagationPolicy: 'Background', expectedResourceVersion: '7' }, /^Precondition failed: ResourceVersion in precondition: 7, ResourceVersion in object meta: 1$/],
  ] as const)('%s is a Conflict and appends nothing', (_, cmd, message) => {
    const ds = given(...created())!;
    expect(() => when(ds, cmd as DaemonSetCommand)).toThrow(expect.objectContaining({ code: 'Conflict', message: expect.stringMatching(message) }));
  });

  it('the matching preconditions hold', () => {
    const ds = given(...created())!;
    expect(when(ds, { type: 'DeleteDaemonSet', propagationPolicy: 'Background', expectedUid: 'uid-1', expectedResourceVersion: '1' }).map((e) => e.type)).toEqual(['DaemonSetDeleted']);
  });

  it('create keeps a client template generation above 1 and raises one below it', () => {
    const withTg = (tg: string) => ({ ...aDaemonSet(), metadata: { ...aDaemonSet().metadata, generation: 7, annotations: { 'deprecated.daemonset.template.generation': tg } } });
    const tgOf = (d: DaemonSet) => [d.metadata.generation, d.metadata.annotations!['deprecated.daemonset.template.generation']];
    expect(tgOf(given(...when(undefined, { type: 'CreateDaemonSet', daemonSet: withTg('5') }))!)).toEqual([1, '5']);
    expect(tgOf(given(...when(undefined, { type: 'CreateDaemonSet', daemonSet: withTg('-3') }))!)).toEqual([1, '1']);
  });

  it('creationTimestamp: null in a template (as undo sends it) is the same template', () => {
    const ds = given(...created())!;
    const withNull = { ...ds, spec: { ...ds.spec, template: { ...ds.spec.template, metadata: { ...ds.spec.template.metadata, creationTimestamp: null } } } };
    expect(when(ds, { type: 'UpdateDaemonSet', daemonSet: withNull })).toEqual([]);
  });

  it.each([
    ['Background', ['DaemonSetDeleted']],
    ['Foreground', ['DaemonSetDeletionRequested']],
    ['Orphan', ['DaemonSetDeletionRequested']],
  ] as const)('delete with %s propagation → %j', (policy, types) => {
    const ds = given(...created())!;
    const events = when(ds, { type: 'DeleteDaemonSet', propagationPolicy: policy });
    expect(events.map((e) => e.type)).toEqual(types);
    if (policy !== 'Background') {
      const after = evolveDaemonSet(ds, events[0], '2')!;
      expect(after.metadata.deletionTimestamp).toBe(ctx.now);
      expect(after.metadata.finalizers).toEqual([policy === 'Orphan' ? 'orphan' : 'foregroundDeletion']);
      expect(when(after, { type: 'FinalizeDaemonSetDeletion' })).toEqual([
        { type: 'DaemonSetDeleted', data: { uid: 'uid-1', propagationPolicy: policy } },
      ]);
    }
  });

  describe('UpdateDaemonSetStatus with metadata (a write to daemonsets/<name>/status)', () => {
    const status = { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2 };
    const stored = () => given(...created())!;

    it('records the status and the label and annotation change together, status first (the metadata event wakes the controller)', () => {
      const ds = stored();
      const events = when(ds, { type: 'UpdateDaemonSetStatus', status, labels: { app: 'foo', tier: 'web' }, annotations: { ...ds.metadata.annotations, note: 'n' } });
      expect(events.map((e) => e.type)).toEqual(['DaemonSetStatusChanged', 'DaemonSetMetadataChanged']);
      const after = events.reduce<DaemonSet | undefined>((d, e, i) => evolveDaemonSet(d, e, String(2 + i)), ds)!;
      expect(after.metadata.labels).toEqual({ app: 'foo', tier: 'web' });
      expect(after.metadata.annotations).toMatchObject({ note: 'n', 'deprecated.daemonset.template.generation': '1' });
      expect(after.metadata.generation).toBe(1);
      expect(after.status).toEqual(status);
    });

    it('a metadata change alone appends the metadata event only; the same maps append nothing', () => {
      const ds = stored();
      expect(when(ds, { type: 'UpdateDaemonSetStatus', status: ds.status!, labels: {}, annotations: ds.metadata.annotations }).map((e) => e.type)).toEqual(['DaemonSetMetadataChanged']);
      expect(when(ds, { type: 'UpdateDaemonSetStatus', status: ds.status!, labels: ds.metadata.labels, annotations: ds.metadata.annotations })).toEqual([]);
    });

    it('keeps the stored template generation annotation whatever the body says', () => {
      const ds = stored();
      const [e] = when(ds, { type: 'UpdateDaemonSetStatus', status: ds.status!, labels: ds.metadata.labels, annotations: { 'deprecated.daemonset.template.generation': '9', x: 'y' } });
      expect(e).toEqual({ type: 'DaemonSetMetadataChanged', data: { labels: { app: 'foo' }, annotations: { 'deprecated.daemonset.template.generation': '1', x: 'y' } } });
    });

    it('a stale resourceVersion appends neither', () => {
      expect(() => when(stored(), { type: 'UpdateDaemonSetStatus', status, labels: { x: 'y' }, expectedResourceVersion: '0' })).toThrow(/the object has been modified/);
    });
  });
});
