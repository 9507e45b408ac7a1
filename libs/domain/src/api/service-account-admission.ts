/**
 * The ServiceAccount admission plugin on a pod create
 * (plugin/pkg/admission/serviceaccount/admission.go, `Admit` and
 * `mountServiceAccountToken`), as a pure function: the pod runs as
 * `default` unless it names an account, and unless it opts out
 * (`automountServiceAccountToken: false`) it gets the projected
 * `kube-api-access-<5>` volume (a bound token, the cluster CA from the
 * namespace's `kube-root-ca.crt` ConfigMap, and the namespace) mounted
 * read-only in every container and init container.
 *
 * Upstream picks the volume's 5-character suffix at random
 * (`names.SimpleNameGenerator`); here it is derived from a seed (the pod's
 * namespace and name), so the controller's planner and the fold that
 * rebuilds daemon pods stay pure and agree on it.
 */
import { fnv1a32String, SAFE_ALPHABET } from '../controller/hash';
import { DEFAULT_SERVICE_ACCOUNT } from '../kinds/namespace-lifecycle';
import type { Container, Pod, PodSpec, Volume } from './types';

/** `ServiceAccountVolumeName` + "-": the prefix of the token volume's name. */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
/** `DefaultAPITokenMountPath`. */
export const SERVICE_ACCOUNT_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** `serviceaccount.WarnOnlyBoundTokenExpirationSeconds`: the token's lifetime as the plugin asks for it. */
const TOKEN_EXPIRATION_SECONDS = 3607;

/** `TokenVolumeSource()`: the projected source, its default mode set explicitly as upstream does (kubernetes#104464). */
export const tokenVolume = (name: string): Volume => ({ name, projected: TOKEN_SOURCE });

/** Deep-frozen: every pod's token volume shares it (only the volume's name differs from pod to pod). */
const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
};
const TOKEN_SOURCE: NonNullable<Volume['projected']> = deepFreeze({
  defaultMode: 420,
  sources: [
    { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
    { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
    { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
  ],
});

/** The volume name for `seed`: the prefix plus 5 characters of the generator's alphabet, from FNV-1a of the seed. */
export const tokenVolumeName = (seed: string): string => {
  let h = fnv1a32String(seed);
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += SAFE_ALPHABET[h % SAFE_ALPHABET.length];
    h = Math.floor(h / SAFE_ALPHABET.length);
  }
  return SERVICE_ACCOUNT_VOLUME_PREFIX + suffix;
};

/**
 * The spec as the plugin leaves it. The account: `serviceAccountName`, else
 * the deprecated `serviceAccount` (v1 conversion reads it), else `default`;
 * both fields then carry it (conversion writes the deprecated one back).
 * The token: an existing `kube-api-access-*` volume is reused (so no new
 * name can clash with one), otherwise one is named from `seed`; each container without a mount at the token path
 * gets one, and the volume is added only when some container mounts it.
 */
export const withServiceAccount = (spec: PodSpec, seed: string): PodSpec => {
  const account = spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
  const out: PodSpec = { ...spec, serviceAccountName: account, serviceAccount: account };
  if (spec.automountServiceAccountToken === false) return out;
  const volumes = spec.volumes ?? [];
  const existing = volumes.find((v) => v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const name = existing?.name ?? tokenVolumeName(seed);
  let mounted = false;
  const mount = (c: Container): Container => {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_TOKEN_MOUNT_PATH)) return c;
    mounted = true;
    return { ...c, volumeMounts: [...(c.volumeMounts ?? []), { mountPath: SERVICE_ACCOUNT_TOKEN_MOUNT_PATH, name, readOnly: true }] };
  };
  if (spec.initContainers) out.initContainers = spec.initContainers.map(mount);
  out.containers = spec.containers.map(mount);
  if (mounted && !existing) out.volumes = [...volumes, tokenVolume(name)];
  return out;
};

/** The seed a pod's token volume is named from: its namespace and name (the same for API-created and daemon pods). */
export const tokenVolumeSeed = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

const serviceAccountSeed = (pod: Pod): string => tokenVolumeSeed(pod.metadata.namespace, pod.metadata.name || pod.metadata.generateName || '');

export const admitServiceAccount = (pod: Pod): Pod => ({ ...pod, spec: withServiceAccount(pod.spec, serviceAccountSeed(pod)) });
