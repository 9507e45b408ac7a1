import { type DomainError, isDomainError } from '../errors';
import type { StoredObject } from './kind-def';
import { admitIntoNamespace, builtinNamespace, type NamespaceContents, planControlPlaneObjects, planNamespaceCleanup } from './namespace-lifecycle';
import { parseServiceRange } from './service';

const refusal = (f: () => void): DomainError | undefined => {
  try {
    f();
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  return undefined;
};
const CONFIGMAPS = { resource: 'configmaps', group: '' };

describe('NamespaceLifecycle admission', () => {
  it('a missing namespace is 404', () => expect(refusal(() => admitIntoNamespace('nowhere', undefined, CONFIGMAPS, 'c'))).toMatchObject({ code: 'NotFound', message: 'namespaces "nowhere" not found' }));
  it('an active one admits', () => expect(refusal(() => admitIntoNamespace('default', builtinNamespace('default', 'T'), CONFIGMAPS, 'c'))).toBeUndefined());
  it('a terminating one is upstream\'s 403', () => {
    const terminating = { ...builtinNamespace('logs', 'T'), metadata: { name: 'logs', deletionTimestamp: 'T1' } };
    const e = refusal(() => admitIntoNamespace('logs', terminating, { resource: 'daemonsets', group: 'apps' }, 'agent'));
    expect(e).toMatchObject({ code: 'Forbidden', message: 'daemonsets.apps "agent" is forbidden: unable to create new content in namespace logs because it is being terminated' });
    expect(e?.details?.causes).toEqual([{ reason: 'NamespaceTerminating', message: 'unable to create new content in namespace logs because it is being terminated', field: 'metadata.namespace' }]);
  });
});

const ref = (name: string, deleting = false) => ({ name, uid: `u-${name}`, deleting });
const empty: NamespaceContents = { daemonSets: [], pods: [], revisions: [], objects: [] };

describe('emptying a terminating namespace', () => {
  it.each<[string, NamespaceContents, string[]]>([
    ['nothing left: the namespace goes', empty, ['FinalizeNamespace']],
    ['DaemonSets, pods, revisions and stored objects are deleted', { daemonSets: [ref('ds')], pods: [ref('p')], revisions: [ref('r')], objects: [{ ...ref('sa'), kind: 'serviceaccount' }] }, ['DeleteDaemonSet ds', 'DeletePod p', 'DeleteRevision r', 'DeleteObject sa']],
    ['what is already being deleted is waited for', { ...empty, daemonSets: [ref('ds', true)], pods: [ref('p', true)] }, []],
    ['a pod still stopping keeps the namespace', { ...empty, pods: [ref('p', true)], objects: [{ ...ref('cm'), kind: 'configmap' }] }, ['DeleteObject cm']],
  ])('%s', (_name, contents, steps) => expect(planNamespaceCleanup(contents).map((s) => (s.type === 'FinalizeNamespace' ? s.type : `${s.type} ${s.name}`))).toEqual(steps));
});

describe('what the control plane keeps in every namespace', () => {
  const range = parseServiceRange('10.96.0.0/12');
  const plan = (active: string[], have: StoredObject[], caCert = 'PEM') =>
    planControlPlaneObjects({
      activeNamespaces: active,
      find: (kind, ns, name) => have.find((o) => o.kind.toLowerCase() === kind && o.metadata.namespace === ns && o.metadata.name === name),
      caCert,
      serviceRange: range,
      apiPort: 6443,
    }).map((s) => `${s.type} ${s.kind} ${s.object.metadata.namespace}/${s.object.metadata.name}`);

  it('a new namespace gets ServiceAccount default and ConfigMap kube-root-ca.crt; default gets the kubernetes Service', () =>
    expect(plan(['default', 'logs'], [])).toEqual([
      'Create serviceaccount default/default',
      'Create configmap default/kube-root-ca.crt',
      'Create serviceaccount logs/default',
      'Create configmap logs/kube-root-ca.crt',
      'Create service default/kubernetes',
    ]));

  it('nothing to do when they exist; a ConfigMap with another certificate is brought up to date', () => {
    const have: StoredObject[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'logs' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'logs' }, data: { 'ca.crt': 'OLD' } },
    ];
    expect(plan(['logs'], have)).toEqual(['Update configmap logs/kube-root-ca.crt']);
    expect(plan(['logs'], have, 'OLD')).toEqual([]);
  });
});
