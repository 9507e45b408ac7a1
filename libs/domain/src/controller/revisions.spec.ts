import { goJsonMarshal, utf8Bytes } from './go-json';
import { fnv1a32, safeEncodeString } from './hash';
import { cleanupHistory, constructHistory, goCanonicalTemplate, newRevision, revisionData, revisionDataBytes, revisionMatches, templateHash } from './revisions';
import { aDaemonSet, aPod } from './testing/builders';

describe('templateHash (§5.1)', () => {
  const ds = aDaemonSet();
  it('is FNV-1a-32 of the canonical template bytes, safe-encoded', () => {
    const expected = safeEncodeString(String(fnv1a32(utf8Bytes(goJsonMarshal(goCanonicalTemplate(ds.spec.template))))));
    expect(templateHash(ds.spec.template)).toBe(expected);
    expect(expected).toMatch(/^[4-9bcdf]{1,10}$/);
  });
  it('appends 8 collision bytes (uint32 LE + 4 zeros) when collisionCount is defined; absent ≠ 0', () => {
    const bytes = utf8Bytes(goJsonMarshal(goCanonicalTemplate(ds.spec.template)));
    expect(templateHash(ds.spec.template, 0)).toBe(safeEncodeString(String(fnv1a32(bytes, new Uint8Array(8)))));
    expect(templateHash(ds.spec.template, 258)).toBe(safeEncodeString(String(fnv1a32(bytes, Uint8Array.from([2, 1, 0, 0, 0, 0, 0, 0])))));
    expect(new Set([templateHash(ds.spec.template), templateHash(ds.spec.template, 0), templateHash(ds.spec.template, 1)]).size).toBe(3);
  });
  it('depends on every template field and on nothing else (§8.45)', () => {
    const h = templateHash(ds.spec.template);
    expect(templateHash(aDaemonSet({ image: 'nginx:2.0' }).spec.template)).not.toBe(h);
    expect(templateHash(aDaemonSet({ maxUnavailable: 3, minReadySeconds: 9, annotations: { a: 'b' } }).spec.template)).toBe(h);
  });
  it('does not depend on key order', () => {
    const reverse = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverse) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
    const reordered = reverse(ds.spec.template) as typeof ds.spec.template;
    expect(Object.keys(reordered)).toEqual(['spec', 'metadata']);
    expect(templateHash(reordered)).toBe(templateHash(ds.spec.template));
  });
});

describe('revision data (§5.2)', () => {
  it('is {"spec":{"template":{…,"$patch":"replace"}}} with sorted keys and creationTimestamp null', () => {
    const ds = aDaemonSet({ image: 'a<b>&c' });
    ds.spec.template.spec.containers[0] = { name: 'app', image: 'a<b>&c' };
    ds.spec.template.spec = { containers: ds.spec.template.spec.containers };
    expect(revisionDataBytes(ds)).toBe(
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"name":"simple-daemon","type":"production"}},' +
        '"spec":{"containers":[{"image":"a\\u003cb\\u003e\\u0026c","name":"app","resources":{}}]}}}}',
    );
  });
  it('matches a revision holding the same data as an object or as the raw string', () => {
    const ds = aDaemonSet();
    const rev = newRevision(ds, 'h', 1);
    expect(revisionMatches(rev, ds)).toBe(true);
    expect(revisionMatches({ ...rev, data: revisionDataBytes(ds) }, ds)).toBe(true);
    expect(revisionMatches({ ...rev, data: JSON.parse(revisionDataBytes(ds)) }, ds)).toBe(true);
    expect(revisionMatches(rev, aDaemonSet({ image: 'other' }))).toBe(false);
    expect(revisionMatches({ ...rev, data: JSON.stringify(revisionData(ds), null, 1) }, ds)).toBe(false); // bytes, not meaning
  });
});

describe('constructHistory (§5.3)', () => {
  const dsA = aDaemonSet({ image: 'A' });
  const dsB = aDaemonSet({ image: 'B' });
  const hashA = templateHash(dsA.spec.template);
  const hashB = templateHash(dsB.spec.template);

  it('§8.43 creates revision 1 named <ds>-<hash> for a new DaemonSet', () => {
    const plan = constructHistory(dsA, [], []);
    expect(plan.kind).toBe('current');
    if (plan.kind !== 'current') return;
    expect(plan.create?.metadata).toEqual({
      name: `foo-${hashA}`,
      namespace: 'default',
      labels: { name: 'simple-daemon', type: 'production', 'controller-revision-hash': hashA },
      annotations: dsA.metadata.annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'uid-foo-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(plan.create?.revision).toBe(1);
    expect(plan.hash).toBe(hashA);
  });

  it('§8.44 a never-seen template gets max+1; returning to an old one renumbers it (1 becomes 3)', () => {
    const r1 = newRevision(dsA, hashA, 1);
    const toB = constructHistory(dsB, [r1], []);
    expect(toB.kind === 'current' && toB.create?.revision).toBe(2);
    const r2 = newRevision(dsB, hashB, 2);
    const back = constructHistory(dsA, [r1, r2], []);
    expect(back).toMatchObject({ kind: 'current', renumber: { name: `foo-${hashA}`, from: 1, to: 3 }, hash: hashA });
    expect(back.kind === 'current' && back.create).toBeUndefined();
  });

  it('sets a missing hash label to the revision name', () => {
    const r = newRevision(dsB, hashB, 1);
    delete r.metadata.labels!['controller-revision-hash'];
    expect(constructHistory(dsA, [r], []).labelFixes).toEqual([{ name: r.metadata.name, hash: r.metadata.name }]);
  });

  it('§8.48 a snapshot name taken by different data is a collision: collisionCount 0+1', () => {
    const squatter = { ...newRevision(dsB, hashA, 7), metadata: { ...newRevision(dsB, hashA, 7).metadata, ownerReferences: [] } };
    const plan = constructHistory(dsA, [], [], [squatter]);
    expect(plan).toMatchObject({ kind: 'collision', name: `foo-${hashA}`, collisionCount: 1 });
    const bumped = { ...dsA, status: { ...dsA.status!, collisionCount: 1 } };
    const retry = constructHistory(bumped, [], [], [squatter]);
    expect(retry.kind === 'current' && retry.create?.metadata.name).toBe(`foo-${templateHash(dsA.spec.template, 1)}`);
  });

  it('uses an existing matching revision of the same name without renumbering (created by an earlier sync)', () => {
    const existing = { ...newRevision(dsA, hashA, 1), metadata: { ...newRevision(dsA, hashA, 1).metadata, ownerReferences: [] } };
    const plan = constructHistory(dsA, [newRevision(dsB, hashB, 5)], [], [existing]);
    expect(plan).toMatchObject({ kind: 'current', hash: hashA, current: { revision: 1 } });
  });

  it('§8.49 duplicates: keeps the highest, deletes the rest, relabels every other pod', () => {
    const r2 = { ...newRevision(dsA, 'dup2', 2), metadata: { ...newRevision(dsA, 'dup2', 2).metadata, name: 'foo-dup2' } };
    const r4 = { ...newRevision(dsA, 'dup4', 4), metadata: { ...newRevision(dsA, 'dup4', 4).metadata, name: 'foo-dup4' } };
    const r3 = newRevision(dsB, hashB, 3);
    const pods = [aPod(dsA, 'n1', { name: 'p1', hash: 'dup2' }), aPod(dsA, 'n2', { name: 'p2', hash: 'dup4' }), aPod(dsA, 'n3', { name: 'p3', hash: hashB })];
    const plan = constructHistory(dsA, [r2, r3, r4], pods);
    expect(plan).toMatchObject({ kind: 'current', hash: 'dup4', dedupDeletes: ['foo-dup2'], relabelPods: [{ name: 'p1', hash: 'dup4' }, { name: 'p3', hash: 'dup4' }] });
    expect(plan.kind === 'current' && plan.renumber).toBeUndefined();
  });
});

describe('cleanupHistory (§5.5)', () => {
  const ds = aDaemonSet({ revisionHistoryLimit: 1, onDelete: true });
  const rev = (n: number) => newRevision(aDaemonSet({ image: `img-${n}` }), `h${n}`, n);
  it('§8.46 limit 1: revision 2 (unused) goes, revision 1 (live pods) stays', () =>
    expect(cleanupHistory(ds, [rev(1), rev(2)], [aPod(ds, 'n', { hash: 'h1' })])).toEqual([rev(2).metadata.name]));
  it('§8.47 limit 0: every unused old revision goes, oldest first', () =>
    expect(cleanupHistory({ ...ds, spec: { ...ds.spec, revisionHistoryLimit: 0 } }, [rev(2), rev(1)], [])).toEqual([rev(1).metadata.name, rev(2).metadata.name]));
  it('counts terminal deleting pods as live, ignores pods without a target node', () => {
    const terminal = aPod(ds, 'n', { hash: 'h1', phase: 'Failed', deleting: true });
    const nowhere = aPod(ds, 'n', { hash: 'h2' });
    delete nowhere.spec.nodeName;
    delete nowhere.spec.affinity;
    expect(cleanupHistory(ds, [rev(1), rev(2)], [terminal, nowhere])).toEqual([rev(2).metadata.name]);
  });
});
