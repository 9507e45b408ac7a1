import { admitPodCreate } from './daemon-set-strategy';
import { SERVICE_ACCOUNT_TOKEN_MOUNT_PATH, tokenVolumeName, withServiceAccount } from './service-account-admission';
import type { Pod, PodSpec } from './types';
import { newDaemonPod } from '../controller/pods';
import { daemonPodRef, rebuildDaemonPod } from '../cluster/daemon-pod';
import { aDaemonSet } from '../controller/testing/builders';

const noClasses = { get: () => undefined, globalDefault: () => undefined };
const aPod = (spec: Partial<PodSpec> = {}, name = 'web'): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...spec },
});
const mountsOf = (spec: PodSpec) => [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.volumeMounts ?? []);

describe('ServiceAccount admission (plugin/pkg/admission/serviceaccount)', () => {
  it('a pod that names no account runs as default, in both the field and its deprecated twin', () => {
    const { spec } = admitPodCreate(aPod(), noClasses);
    expect([spec.serviceAccountName, spec.serviceAccount]).toEqual(['default', 'default']);
  });

  it('the deprecated serviceAccount alone names the account (v1 conversion)', () => {
    expect(withServiceAccount(aPod({ serviceAccount: 'fluentd' }).spec, 's').serviceAccountName).toBe('fluentd');
  });

  it('adds the kube-api-access-<5> projected volume with the token, ca.crt and namespace sources', () => {
    const { spec } = admitPodCreate(aPod(), noClasses);
    const volume = spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    expect(volume?.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume?.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    });
  });

  it('mounts the token read-only in every container and init container', () => {
    const spec = withServiceAccount(aPod({ initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }).spec, 'seed');
    const name = tokenVolumeName('seed');
    expect(mountsOf(spec)).toEqual([
      [{ mountPath: SERVICE_ACCOUNT_TOKEN_MOUNT_PATH, name, readOnly: true }],
      [{ mountPath: SERVICE_ACCOUNT_TOKEN_MOUNT_PATH, name, readOnly: true }],
      [{ name: 'data', mountPath: '/data' }, { mountPath: SERVICE_ACCOUNT_TOKEN_MOUNT_PATH, name, readOnly: true }],
    ]);
  });

  it('automountServiceAccountToken: false gets the account but no volume and no mount', () => {
    const spec = withServiceAccount(aPod({ automountServiceAccountToken: false }).spec, 's');
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.volumes).toBeUndefined();
    expect(mountsOf(spec)).toEqual([[]]);
  });

  it('a container that already mounts something at the token path is left alone; none left to mount: no volume', () => {
    const own = { name: 'mine', mountPath: SERVICE_ACCOUNT_TOKEN_MOUNT_PATH };
    const spec = withServiceAccount(aPod({ containers: [{ name: 'a', volumeMounts: [own] }], volumes: [{ name: 'mine', emptyDir: {} }] }).spec, 's');
    expect(spec.containers[0].volumeMounts).toEqual([own]);
    expect(spec.volumes).toEqual([{ name: 'mine', emptyDir: {} }]);
  });

  it('is idempotent: an existing kube-api-access volume is reused, not doubled', () => {
    const once = withServiceAccount(aPod().spec, 's');
    expect(withServiceAccount(once, 'another seed')).toEqual(once);
  });

  it('the suffix is deterministic per seed; a user volume with the prefix is taken for the token volume (upstream reuses it)', () => {
    expect(tokenVolumeName('default/web')).toBe(tokenVolumeName('default/web'));
    expect(tokenVolumeName('default/web')).not.toBe(tokenVolumeName('default/web2'));
    const own = withServiceAccount(aPod({ volumes: [{ name: 'kube-api-access-mine', emptyDir: {} }] }).spec, 's');
    expect(own.volumes?.map((v) => v.name)).toEqual(['kube-api-access-mine']);
    expect(own.containers[0].volumeMounts?.[0].name).toBe('kube-api-access-mine');
  });
});

describe('pod-only defaults a real API server stores (SetDefaults_Pod)', () => {
  it('enableServiceLinks true, and resources: {} on every container (a Go struct is never omitted)', () => {
    const { spec } = admitPodCreate(aPod({ initContainers: [{ name: 'init', image: 'busybox' }] }), noClasses);
    expect(spec.enableServiceLinks).toBe(true);
    expect([...spec.initContainers!, ...spec.containers].map((c) => c.resources)).toEqual([{}, {}]);
  });

  it('priority 0 and PreemptLowerPriority when no class applies (Priority admission)', () => {
    const { spec } = admitPodCreate(aPod(), noClasses);
    expect([spec.priority, spec.preemptionPolicy]).toEqual([0, 'PreemptLowerPriority']);
  });
});

describe('daemon pods get the same admission as API-created pods', () => {
  const ds = { ...aDaemonSet({ name: 'fluentd' }), metadata: { ...aDaemonSet({ name: 'fluentd' }).metadata, resourceVersion: '7' } };
  const pod = newDaemonPod(ds, 'node-1', { name: 'fluentd-abcde', uid: 'u1', hash: 'h', now: Date.parse('2026-12-01T00:00:00Z') });

  it('a daemon pod has the account, the token volume and mount, enableServiceLinks and resources: {}', () => {
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.enableServiceLinks).toBe(true);
    expect(pod.spec.volumes?.at(-1)?.name).toBe(tokenVolumeName(`${ds.metadata.namespace}/fluentd-abcde`));
    expect(pod.spec.containers.every((c) => c.resources && c.volumeMounts?.some((m) => m.mountPath === SERVICE_ACCOUNT_TOKEN_MOUNT_PATH))).toBe(true);
  });

  it('the token volume is named as the API names a pod of the same namespace and name', () => {
    const viaApi = admitPodCreate({ ...aPod({}, 'fluentd-abcde'), metadata: { name: 'fluentd-abcde', namespace: ds.metadata.namespace } }, noClasses);
    expect(pod.spec.volumes?.at(-1)?.name).toBe(viaApi.spec.volumes?.at(-1)?.name);
  });

  it('the fold rebuilds it byte for byte from its compact reference (the log stays compact)', () => {
    const ref = daemonPodRef(pod, { daemonSet: ds, nodeName: 'node-1', hash: 'h' });
    expect(ref).toBeDefined();
    expect(JSON.stringify(rebuildDaemonPod(ref!, ds, 'fluentd-abcde'))).toBe(JSON.stringify(pod));
  });

  it('admission leaves the DaemonSet template (hence the revision hash) alone', () => {
    expect(ds.spec.template.spec.volumes).toBeUndefined();
    expect(ds.spec.template.spec.serviceAccountName).toBeUndefined();
  });
});
