import { refused } from '../../test/refused';
import { admitPodCreate } from '../api/daemon-set-strategy';
import type { Pod, PodSpec } from '../api/types';
import type { StoredObject } from './kind-def';
import {
  admitPodPriority,
  builtinPriorityClass,
  globalDefaultConflict,
  keepPodPriority,
  PRIORITY_CLASS_KIND,
  priorityClassDeletionRefusal,
  priorityClassLookup,
  priorityClassesOf,
  resolvePodPriority,
} from './priority-class';
import { admitStoredCreate, admitStoredUpdate } from './registry';


const pc = (name: string, fields: Record<string, unknown> = {}): StoredObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, ...fields });
const admitted = (name: string, fields: Record<string, unknown> = {}) => admitStoredCreate(PRIORITY_CLASS_KIND, pc(name, fields));
/** A cluster whose stored classes are `stored` (the built-ins come on their own). */
const cluster = (...stored: StoredObject[]) => priorityClassLookup({ objectsOf: () => stored });

describe('scheduling.k8s.io/v1 PriorityClass admission (upstream ValidatePriorityClass)', () => {
  it('defaults: value 0, preemptionPolicy PreemptLowerPriority, globalDefault false left out (omitempty)', () => {
    const o = admitted('batch', { globalDefault: false });
    expect(o).toEqual({ ...pc('batch'), value: 0, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('a user class may have exactly the highest user-definable value, 1000000000', () => {
    expect(admitted('top', { value: 1_000_000_000 }).value).toBe(1_000_000_000);
  });

  it('the built-ins validate as themselves (system- prefix, their own value, not default)', () => {
    expect(() => admitted('system-node-critical', { value: 2_000_001_000 })).not.toThrow();
    expect(() => admitted('system-cluster-critical', { value: 2_000_000_000 })).not.toThrow();
  });

  it.each<[string, StoredObject, string]>([
    ['a user value above 1000000000', pc('huge', { value: 1_000_000_001 }), 'value: Forbidden: maximum allowed value of a user defined priority is 1000000000'],
    ['an unknown name with the system- prefix', pc('system-mine', { value: 10 }), "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
    ['a built-in name with another value', pc('system-node-critical', { value: 5 }), 'error: value of system-node-critical PriorityClass must be 2000001000'],
    ['a built-in name as the global default', pc('system-cluster-critical', { value: 2_000_000_000, globalDefault: true }), 'error: globalDefault of system-cluster-critical PriorityClass must be false'],
    ['an unknown preemptionPolicy', pc('x', { preemptionPolicy: 'Sometimes' }), 'preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"'],
    ['an empty preemptionPolicy', pc('x', { preemptionPolicy: '' }), 'preemptionPolicy: Required value'],
  ])('refuses %s (422)', (_name, o, message) => {
    const e = refused(() => admitStoredCreate(PRIORITY_CLASS_KIND, o));
    expect(e.code).toBe('Invalid');
    expect(e.message).toContain(message);
  });
});

describe('PriorityClass updates (upstream ValidatePriorityClassUpdate)', () => {
  const current = { ...admitted('gold', { value: 1000, description: 'old' }), metadata: { name: 'gold', uid: 'u', creationTimestamp: 'T', resourceVersion: '7' } };
  it('value may not change', () => {
    expect(refused(() => admitStoredUpdate(PRIORITY_CLASS_KIND, { ...current, value: 2000 }, current)).message).toContain('value: Forbidden: may not be changed in an update.');
  });
  it('preemptionPolicy may not change', () => {
    expect(refused(() => admitStoredUpdate(PRIORITY_CLASS_KIND, { ...current, preemptionPolicy: 'Never' }, current)).message).toContain('preemptionPolicy: Invalid value: "Never": field is immutable');
  });
  it('description, labels and globalDefault may change', () => {
    const next = admitStoredUpdate(PRIORITY_CLASS_KIND, { ...current, description: 'new', globalDefault: true, metadata: { ...current.metadata, labels: { a: 'b' } } }, current);
    expect(next).toMatchObject({ value: 1000, description: 'new', globalDefault: true });
  });
});

describe('the built-in classes', () => {
  it('are served when not stored, as old as the log', () => {
    const all = priorityClassesOf({ objectsOf: () => [] }, '2026-12-01T00:00:00Z');
    expect(all.map((c) => [c.metadata.name, c.value, c.preemptionPolicy, c.metadata.creationTimestamp])).toEqual([
      ['system-node-critical', 2_000_001_000, 'PreemptLowerPriority', '2026-12-01T00:00:00Z'],
      ['system-cluster-critical', 2_000_000_000, 'PreemptLowerPriority', '2026-12-01T00:00:00Z'],
    ]);
  });
  it('a stored one (its description changed) replaces the served one', () => {
    const stored = { ...builtinPriorityClass('system-node-critical', 'T')!, description: 'mine' };
    const all = priorityClassesOf({ objectsOf: () => [stored] });
    expect(all.filter((c) => c.metadata.name === 'system-node-critical')).toEqual([stored]);
  });
  it('have a stable uid', () => expect(builtinPriorityClass('system-node-critical', 'a')!.metadata.uid).toBe(builtinPriorityClass('system-node-critical', 'b')!.metadata.uid));
  it('may not be deleted; user classes may', () => {
    expect(priorityClassDeletionRefusal('system-cluster-critical')).toBe('this is a system priority class and cannot be deleted');
    expect(priorityClassDeletionRefusal('gold')).toBeUndefined();
  });
});

describe('only one global default (upstream Priority admission)', () => {
  const low = admitted('low', { value: 10, globalDefault: true });
  it('a second default is refused with upstream’s reason', () => {
    expect(globalDefaultConflict(admitted('other', { value: 5, globalDefault: true }), cluster(low))).toBe('PriorityClass low is already marked as default. Only one default can exist');
  });
  it('the default itself may be updated, and classes that are not default are never refused', () => {
    expect(globalDefaultConflict(low, cluster(low))).toBeUndefined();
    expect(globalDefaultConflict(admitted('other', { value: 5 }), cluster(low))).toBeUndefined();
    expect(globalDefaultConflict(admitted('first', { globalDefault: true }), cluster())).toBeUndefined();
  });
  it('if a race left two defaults, the one of lowest value is the default', () => {
    expect(cluster(admitted('b', { value: 20, globalDefault: true }), low).globalDefault()?.metadata.name).toBe('low');
  });
});

describe('resolvePodPriority (upstream Priority admission on pod create)', () => {
  const gold = admitted('gold', { value: 1000 });
  const never = admitted('polite', { value: 500, preemptionPolicy: 'Never' });
  const dflt = admitted('normal', { value: 100, globalDefault: true });
  const resolve = (spec: Partial<PodSpec>, ...stored: StoredObject[]) => resolvePodPriority(spec, cluster(...stored));

  it.each<[string, Partial<PodSpec>, StoredObject[], Partial<PodSpec>]>([
    ['a class name gives its value and preemption policy', { priorityClassName: 'gold' }, [gold], { priorityClassName: 'gold', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' }],
    ['a class with preemptionPolicy Never gives Never', { priorityClassName: 'polite' }, [never], { priorityClassName: 'polite', priority: 500, preemptionPolicy: 'Never' }],
    ['a built-in resolves without being stored', { priorityClassName: 'system-node-critical' }, [], { priorityClassName: 'system-node-critical', priority: 2_000_001_000, preemptionPolicy: 'PreemptLowerPriority' }],
    ['no name takes the global default, its name filled in', {}, [gold, dflt], { priorityClassName: 'normal', priority: 100, preemptionPolicy: 'PreemptLowerPriority' }],
    ['no name and no default: priority 0, PreemptLowerPriority, no name', {}, [gold], { priority: 0, preemptionPolicy: 'PreemptLowerPriority' }],
    ['a priority equal to the class’s is accepted', { priorityClassName: 'gold', priority: 1000 }, [gold], { priorityClassName: 'gold', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' }],
  ])('%s', (_name, spec, stored, want) => expect(resolve(spec, ...stored)).toEqual({ ok: true, spec: want }));

  it.each<[string, Partial<PodSpec>, StoredObject[], string]>([
    ['an unknown class', { priorityClassName: 'platinum' }, [gold], 'no PriorityClass with name platinum was found'],
    ['a priority other than the class’s', { priorityClassName: 'gold', priority: 7 }, [gold], 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'],
    ['a priority without a class, other than 0', { priority: 7 }, [], 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name'],
    ['a preemption policy other than the class’s', { priorityClassName: 'polite', preemptionPolicy: 'PreemptLowerPriority' }, [never], 'the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name'],
  ])('refuses %s', (_name, spec, stored, reason) => expect(resolve(spec, ...stored)).toEqual({ ok: false, reason }));

  it('keeps the rest of the spec as it was', () => {
    const r = resolve({ priorityClassName: 'gold', schedulerName: 'default-scheduler', containers: [] }, gold);
    expect(r).toEqual({ ok: true, spec: { priorityClassName: 'gold', schedulerName: 'default-scheduler', containers: [], priority: 1000, preemptionPolicy: 'PreemptLowerPriority' } });
  });
});

describe('pod admission applies the priority', () => {
  const pod = (spec: Partial<PodSpec>, metadata: Pod['metadata'] = { name: 'web', namespace: 'default' }): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
  });
  it('an unknown class is a 403 naming the pod, in upstream’s words', () => {
    const e = refused(() => admitPodPriority(pod({ priorityClassName: 'gold' }), cluster()));
    expect(e.code).toBe('Forbidden');
    expect(e.message).toBe('pods "web" is forbidden: no PriorityClass with name gold was found');
  });
  it('a pod with only a generateName is named by it in the refusal, as upstream’s admission does', () => {
    expect(refused(() => admitPodPriority(pod({ priorityClassName: 'gold' }, { generateName: 'web-', namespace: 'default' }), cluster())).message).toBe('pods "web-" is forbidden: no PriorityClass with name gold was found');
  });
  it('admitPodCreate resolves the class before validating (an unknown class is a 403 even for an invalid pod)', () => {
    expect(admitPodCreate(pod({ priorityClassName: 'gold' }), cluster(admitted('gold', { value: 1000 }))).spec).toMatchObject({ priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
    expect(refused(() => admitPodCreate(pod({ priorityClassName: 'gold', containers: [] }), cluster())).code).toBe('Forbidden');
  });
  it('an update that leaves priority and preemptionPolicy out keeps the admitted ones', () => {
    const created = pod({ priority: 1000, preemptionPolicy: 'Never', priorityClassName: 'gold' });
    expect(keepPodPriority(pod({ priorityClassName: 'gold' }), created).spec).toMatchObject({ priority: 1000, preemptionPolicy: 'Never' });
    expect(keepPodPriority(created, created)).toBe(created);
  });
});
