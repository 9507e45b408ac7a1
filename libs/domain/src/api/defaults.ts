/**
 * API-server defaulting (pkg/apis/apps/v1 and core/v1 SetDefaults_*), applied
 * on create and on every update. Pure: inputs are never mutated. The template
 * defaults become part of the stored template, hence of the revision hash.
 */
import type { Container, DaemonSet, Node, Pod, PodSpec, PodTemplateSpec, Probe, Volume } from './types';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const defaultDaemonSet = (ds: DaemonSet): DaemonSet => {
  const spec = ds.spec;
  let updateStrategy = { ...spec.updateStrategy };
  if (!updateStrategy.type) updateStrategy.type = 'RollingUpdate';
  if (updateStrategy.type === 'RollingUpdate') {
    // OnDelete gets nothing: a user-written rollingUpdate block is kept and ignored.
    const ru = { ...updateStrategy.rollingUpdate };
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined) ru.maxSurge = 0;
    updateStrategy = { ...updateStrategy, rollingUpdate: ru };
  }
  return {
    ...ds,
    spec: {
      ...spec,
      template: defaultPodTemplateSpec(spec.template),
      updateStrategy,
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
    },
  };
};

export const defaultPodTemplateSpec = (t: PodTemplateSpec): PodTemplateSpec => ({ ...t, spec: defaultPodSpec(t.spec) });

/** SetDefaults_PodSpec + container/probe/volume defaults: everything a template gets. */
export const defaultPodSpec = (spec: PodSpec): PodSpec => {
  const out: PodSpec = { ...spec };
  out.dnsPolicy ||= 'ClusterFirst';
  out.restartPolicy ||= 'Always';
  out.securityContext ??= {};
  out.terminationGracePeriodSeconds ??= 30;
  out.schedulerName ||= 'default-scheduler';
  out.containers = (spec.containers ?? []).map(defaultContainer);
  if (spec.initContainers) out.initContainers = spec.initContainers.map(defaultContainer);
  if (spec.volumes) out.volumes = spec.volumes.map(defaultVolume);
  return out;
};

/**
 * SetDefaults_Pod: the extra defaults only real pods get (not templates, so not
 * the hash): enableServiceLinks, requests copied from limits, and hostPort =
 * containerPort under hostNetwork (a template-time default only before v1.28).
 * Each container also gets `resources: {}` when it has none: Go's
 * `ResourceRequirements` is a struct, which `omitempty` never omits, so a
 * real server prints it on every container of a stored pod.
 */
export const defaultPod = (pod: Pod): Pod => ({ ...pod, spec: applyPodOnlyDefaults(defaultPodSpec(pod.spec)) });

export const applyPodOnlyDefaults = (spec: PodSpec): PodSpec => {
  const withPodDefaults = (c: Container): Container => {
    let out = c.resources ? c : { ...c, resources: {} };
    const limits = c.resources?.limits;
    if (limits && Object.keys(limits).length) {
      const requests = { ...c.resources?.requests };
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
      out = { ...out, resources: { ...c.resources, requests } };
    }
    if (spec.hostNetwork && c.ports) {
      out = { ...out, ports: c.ports.map((p) => (p.hostPort ? p : { ...p, hostPort: p.containerPort })) };
    }
    return out;
  };
  return {
    ...spec,
    enableServiceLinks: spec.enableServiceLinks ?? true,
    containers: spec.containers.map(withPodDefaults),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(withPodDefaults) } : {}),
  };
};

export const defaultContainer = (c: Container): Container => {
  const out: Container = { ...c };
  out.terminationMessagePath ||= '/dev/termination-log';
  out.terminationMessagePolicy ||= 'File';
  out.imagePullPolicy ||= imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (c.ports) out.ports = c.ports.map((p) => (p.protocol ? p : { ...p, protocol: 'TCP' }));
  if (c.livenessProbe) out.livenessProbe = defaultProbe(c.livenessProbe);
  if (c.readinessProbe) out.readinessProbe = defaultProbe(c.readinessProbe);
  if (c.startupProbe) out.startupProbe = defaultProbe(c.startupProbe);
  if (c.env) out.env = c.env.map((e) => (e.valueFrom ? { ...e, valueFrom: defaultFieldRef(e.valueFrom) } : e));
  if (isRecord(c.lifecycle)) {
    const lc: Json = { ...c.lifecycle };
    for (const hook of ['postStart', 'preStop']) {
      const h = lc[hook];
      if (isRecord(h) && isRecord(h.httpGet)) lc[hook] = { ...h, httpGet: defaultHttpGet(h.httpGet) };
    }
    out.lifecycle = lc;
  }
  return out;
};

const defaultHttpGet = <T extends Json | NonNullable<Probe['httpGet']>>(h: T): T => ({ ...h, path: h.path || '/', scheme: h.scheme || 'HTTP' });

export const defaultProbe = (p: Probe): Probe => ({
  ...p,
  ...(p.httpGet ? { httpGet: defaultHttpGet(p.httpGet) } : {}),
  timeoutSeconds: p.timeoutSeconds || 1,
  periodSeconds: p.periodSeconds || 10,
  successThreshold: p.successThreshold || 1,
  failureThreshold: p.failureThreshold || 3,
});

const defaultFieldRef = (vf: Json): Json =>
  isRecord(vf.fieldRef) && !vf.fieldRef.apiVersion ? { ...vf, fieldRef: { ...vf.fieldRef, apiVersion: 'v1' } } : vf;

const SOURCE_KEYS = (v: Volume): string[] => Object.keys(v).filter((k) => k !== 'name');

export const defaultVolume = (v: Volume): Volume => {
  if (SOURCE_KEYS(v).length === 0) return { ...v, emptyDir: {} };
  const out: Volume = { ...v };
  const patch = (key: string, f: (s: Json) => Json) => {
    if (isRecord(out[key])) out[key] = f(out[key] as Json);
  };
  const mode = (s: Json): Json => ({ ...s, defaultMode: s.defaultMode ?? 420 });
  patch('secret', mode);
  patch('configMap', mode);
  patch('downwardAPI', (s) => ({
    ...mode(s),
    ...(Array.isArray(s.items) ? { items: s.items.map((i) => (isRecord(i) ? defaultFieldRef(i) : i)) } : {}),
  }));
  patch('projected', mode);
  patch('hostPath', (s) => ({ ...s, type: s.type ?? '' }));
  patch('iscsi', (s) => ({ ...s, iscsiInterface: s.iscsiInterface || 'default' }));
  patch('rbd', (s) => ({ ...s, pool: s.pool || 'rbd', user: s.user || 'admin', keyring: s.keyring || '/etc/ceph/keyring' }));
  patch('azureDisk', (s) => ({ ...s, cachingMode: s.cachingMode ?? 'ReadWrite', fsType: s.fsType ?? 'ext4', readOnly: s.readOnly ?? false, kind: s.kind ?? 'Shared' }));
  patch('scaleIO', (s) => ({ ...s, storageMode: s.storageMode || 'ThinProvisioned', fsType: s.fsType || 'xfs' }));
  return out;
};

/**
 * The tag the image-pull-policy default looks at (upstream ParseImageName):
 * `latest` when the reference has neither tag nor digest, '' when it has only
 * a digest or does not parse (those get IfNotPresent).
 */
export const imageTag = (image: string): string => {
  if (!image || /\s/.test(image)) return '';
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : '';
  const repo = colon > slash ? name.slice(0, colon) : name;
  // Path components (all but a registry host) must be lower case for the reference to parse.
  const parts = repo.split('/');
  const hasHost = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  if (parts.slice(hasHost ? 1 : 0).some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return '';
  if (tag) return tag;
  return at >= 0 ? '' : 'latest';
};

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export const defaultNode = (node: Node): Node =>
  node.status?.capacity && !node.status.allocatable ? { ...node, status: { ...node.status, allocatable: { ...node.status.capacity } } } : node;
