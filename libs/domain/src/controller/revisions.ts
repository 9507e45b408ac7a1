/**
 * Template hash, revision data and ControllerRevision history (spec §5), as pure plans.
 */
import type { ControllerRevision, DaemonSet, Pod, PodTemplateSpec } from '../api/types';
import { goJsonMarshal, utf8Bytes } from './go-json';
import { fnv1a32, safeEncodeString } from './hash';
import { CONTROLLER_REVISION_HASH_LABEL, daemonSetControllerRef, podTargetNode } from './pods';

/**
 * The template as Go's typed `json.Marshal` writes it. Go always emits struct-typed fields, whatever
 * their omitempty tag: `metadata.creationTimestamp` (zero metav1.Time → `null`, up to v1.33),
 * `metadata` and `spec` themselves, and each container's `resources`. Other Go normalisations
 * (dropping omitempty zero values) are the stored form's job (API defaulting), not repeated here.
 */
export const goCanonicalTemplate = (template: PodTemplateSpec): Record<string, unknown> => {
  const t = structuredClone(template) as PodTemplateSpec & Record<string, unknown>;
  const metadata = { ...(t.metadata ?? {}) };
  if (metadata.creationTimestamp === undefined) metadata.creationTimestamp = null;
  const spec = { ...(t.spec ?? {}) } as Record<string, unknown>;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) spec[key] = list.map((c: Record<string, unknown>) => (c.resources === undefined ? { ...c, resources: {} } : c));
  }
  if (spec.containers === undefined) spec.containers = null;
  return { ...t, metadata, spec };
};

const collisionBytes = (collisionCount: number): Uint8Array => {
  const b = new Uint8Array(8);
  const n = collisionCount >>> 0;
  b[0] = n & 0xff;
  b[1] = (n >>> 8) & 0xff;
  b[2] = (n >>> 16) & 0xff;
  b[3] = (n >>> 24) & 0xff;
  return b;
};

/**
 * §5.1 `controller.ComputeHash`: FNV-1a-32 over the canonical template bytes, plus 8 collision
 * bytes when `collisionCount` is defined (absent ≠ 0), written in decimal and safe-encoded.
 * Deliberately not byte-compatible with Go's spew dump (not reproducible outside Go).
 */
export const templateHash = (template: PodTemplateSpec, collisionCount?: number | null): string => {
  const chunks = [utf8Bytes(goJsonMarshal(goCanonicalTemplate(template)))];
  if (collisionCount !== undefined && collisionCount !== null) chunks.push(collisionBytes(collisionCount));
  return safeEncodeString(String(fnv1a32(...chunks)));
};

/** §5.2 `getPatch` as a JSON value: `{"spec":{"template":{…,"$patch":"replace"}}}`. */
export const revisionData = (ds: DaemonSet): { spec: { template: Record<string, unknown> } } => ({
  spec: { template: { ...goCanonicalTemplate(ds.spec.template), $patch: 'replace' } },
});

/** §5.2 the exact bytes (as a string; UTF-8 encode for bytes) kubectl and the controller compare. */
export const revisionDataBytes = (ds: DaemonSet): string => goJsonMarshal(revisionData(ds));

/**
 * §5.2 `Match`: byte equality of the revision's data with the DaemonSet's patch. `data` held as a
 * string is compared raw; held as a decoded object it is re-marshalled first (canonical input
 * re-marshals to the same bytes).
 */
export const revisionMatches = (rev: ControllerRevision, ds: DaemonSet): boolean =>
  (typeof rev.data === 'string' ? rev.data : goJsonMarshal(rev.data)) === revisionDataBytes(ds);

export const revisionHash = (rev: ControllerRevision): string | undefined => rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];

const maxRevision = (revs: readonly ControllerRevision[]): number => revs.reduce((m, r) => Math.max(m, r.revision), 0);

/** The revision `snapshot` would create: `<ds>-<hash>`, template labels + hash, DS annotations, controller ref. */
export const newRevision = (ds: DaemonSet, hash: string, revision: number): ControllerRevision => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name: `${ds.metadata.name ?? ''}-${hash}`,
    ...(ds.metadata.namespace !== undefined ? { namespace: ds.metadata.namespace } : {}),
    labels: { ...(ds.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
    ...(ds.metadata.annotations !== undefined ? { annotations: { ...ds.metadata.annotations } } : {}),
    ownerReferences: [daemonSetControllerRef(ds)],
  },
  data: revisionData(ds),
  revision,
});

export interface HistoryCommon {
  /** Claimed revisions lacking the hash label get it set to their own name (§5.3 step 2). */
  readonly labelFixes: { name: string; hash: string }[];
  /** Claimed revisions not matching the template (after label fixes). */
  readonly old: ControllerRevision[];
}

export type HistoryPlan =
  | (HistoryCommon & {
      readonly kind: 'current';
      /** The current revision as it will be after this plan (renumbered if needed). */
      readonly current: ControllerRevision;
      readonly hash: string;
      /** Set when the current revision must be created. */
      readonly create?: ControllerRevision;
      /** Set when an existing revision becomes current again: its number goes to max(old)+1. */
      readonly renumber?: { name: string; from: number; to: number };
      /** Duplicate current revisions to delete, and claimed pods to relabel to the kept hash. */
      readonly dedupDeletes: string[];
      readonly relabelPods: { name: string; hash: string }[];
    })
  | (HistoryCommon & {
      /** The snapshot name is taken by a different template: bump collisionCount, fail the sync. */
      readonly kind: 'collision';
      readonly name: string;
      readonly collisionCount: number;
      readonly message: string;
    });

/**
 * §5.3 `constructHistory` over already-claimed revisions. `allRevisions` are all revisions in the
 * namespace (a create fails with AlreadyExists on any of them); `claimedPods` are relabelled on dedup.
 */
export const constructHistory = (
  ds: DaemonSet,
  claimedRevisions: readonly ControllerRevision[],
  claimedPods: readonly Pod[],
  allRevisions: readonly ControllerRevision[] = claimedRevisions,
): HistoryPlan => {
  const labelFixes: { name: string; hash: string }[] = [];
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const original of claimedRevisions) {
    let rev = original;
    if (revisionHash(rev) === undefined) {
      const name = rev.metadata.name ?? '';
      labelFixes.push({ name, hash: name });
      rev = { ...rev, metadata: { ...rev.metadata, labels: { ...(rev.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: name } } };
    }
    (revisionMatches(rev, ds) ? current : old).push(rev);
  }
  const next = maxRevision(old) + 1;

  if (current.length === 0) {
    const collisionCount = ds.status?.collisionCount;
    const hash = templateHash(ds.spec.template, collisionCount);
    const created = newRevision(ds, hash, next);
    const name = created.metadata.name ?? '';
    const existing = allRevisions.find((r) => r.metadata.name === name);
    if (existing === undefined) {
      return { kind: 'current', labelFixes, old, current: created, hash, create: created, dedupDeletes: [], relabelPods: [] };
    }
    if (revisionMatches(existing, ds)) {
      // A previous sync created it (upstream returns it as is, without renumbering).
      return { kind: 'current', labelFixes, old, current: existing, hash: revisionHash(existing) ?? '', dedupDeletes: [], relabelPods: [] };
    }
    return {
      kind: 'collision',
      labelFixes,
      old,
      name,
      collisionCount: (collisionCount ?? 0) + 1,
      message: `controllerrevisions.apps "${name}" already exists`,
    };
  }

  // Keep the highest revision; ties go to the later one in list order (upstream uses >=).
  let keep = current[0];
  for (const rev of current) if (rev.revision >= keep.revision) keep = rev;
  const keptHash = revisionHash(keep) ?? '';
  const dedupDeletes = current.length > 1 ? current.filter((r) => r !== keep).map((r) => r.metadata.name ?? '') : [];
  // Quirk kept from upstream: every claimed pod with another hash is relabelled, old templates included.
  const relabelPods =
    current.length > 1
      ? claimedPods.filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== keptHash).map((p) => ({ name: p.metadata.name ?? '', hash: keptHash }))
      : [];
  const renumber = keep.revision < next ? { name: keep.metadata.name ?? '', from: keep.revision, to: next } : undefined;
  return {
    kind: 'current',
    labelFixes,
    old,
    current: renumber ? { ...keep, revision: next } : keep,
    hash: keptHash,
    ...(renumber ? { renumber } : {}),
    dedupDeletes,
    relabelPods,
  };
};

/**
 * §5.5 `cleanupHistory`: names of old revisions to delete, lowest revision first, skipping those
 * whose hash is carried by a claimed pod (terminal and deleting pods included; pods without a
 * target node are not looked at), until `len(old) - revisionHistoryLimit` are gone.
 */
export const cleanupHistory = (ds: DaemonSet, old: readonly ControllerRevision[], claimedPods: readonly Pod[]): string[] => {
  if (old.length <= (ds.spec.revisionHistoryLimit ?? 10)) return [];
  const live = new Set<string>();
  for (const hash of liveHashes(claimedPods)) live.add(hash);
  return cleanupHistoryKeeping(ds, old, (hash) => live.has(hash));
};

/** The revision hashes claimed pods carry, as `cleanupHistory` counts them (one per pod, repeats included). */
export function* liveHashes(claimedPods: Iterable<Pod>): Iterable<string> {
  for (const pod of claimedPods) {
    const hash = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (podTargetNode(pod) !== undefined && hash !== undefined && hash !== '') yield hash;
  }
}

/** `cleanupHistory` given which hashes live pods carry. */
export const cleanupHistoryKeeping = (ds: DaemonSet, old: readonly ControllerRevision[], isLive: (hash: string) => boolean): string[] => {
  let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
  const out: string[] = [];
  for (const rev of [...old].sort((a, b) => a.revision - b.revision)) {
    if (toKill <= 0) break;
    if (isLive(revisionHash(rev) ?? '')) continue;
    out.push(rev.metadata.name ?? '');
    toKill--;
  }
  return out;
};
