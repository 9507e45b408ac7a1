/**
 * Controller-ref claiming (spec §4.2, upstream `BaseControllerRefManager.ClaimObject`) for pods
 * and ControllerRevisions. Pure: returns what to adopt and release; the caller patches.
 */
import type { ControllerRevision, DaemonSet, ObjectMeta, OwnerReference, Pod } from '../api/types';
import { DomainError } from '../errors';
import { compileLabelSelector, type LabelSelectorMatcher } from './labels';
import { controllerOf, daemonSetControllerRef } from './pods';

export interface ClaimResult<T> {
  /** Objects the DaemonSet controls after the claim (already owned + adopted), input order. */
  readonly owned: T[];
  /** Orphans to adopt: patch in the DaemonSet's controller ownerReference. */
  readonly adopt: T[];
  /** Owned objects whose labels no longer match: remove our ownerReference. */
  readonly release: T[];
}

type Claimable = { metadata: ObjectMeta };

const claim = <T extends Claimable>(ds: DaemonSet, objects: readonly T[], matches: LabelSelectorMatcher): ClaimResult<T> => {
  const dsUid = ds.metadata.uid ?? '';
  const dsDeleting = ds.metadata.deletionTimestamp !== undefined && ds.metadata.deletionTimestamp !== null;
  const namespace = ds.metadata.namespace ?? '';
  const owned: T[] = [];
  const adopt: T[] = [];
  const release: T[] = [];
  for (const obj of objects) {
    if (namespace !== '' && (obj.metadata.namespace ?? namespace) !== namespace) continue;
    const ref = controllerOf(obj);
    const labelsMatch = matches(obj.metadata.labels);
    if (ref !== undefined) {
      if (ref.uid !== dsUid) continue; // controlled by someone else
      if (labelsMatch) owned.push(obj);
      else if (!dsDeleting) release.push(obj);
      continue;
    }
    if (dsDeleting || !labelsMatch) continue;
    if (obj.metadata.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null) continue;
    adopt.push(obj);
    owned.push(obj);
  }
  return { owned, adopt, release };
};

/** The compiled DaemonSet selector; an invalid selector throws `DomainError('Invalid')`. */
export const daemonSetSelector = (ds: DaemonSet): LabelSelectorMatcher => {
  const parsed = compileLabelSelector(ds.spec.selector);
  if (!parsed.ok) throw new DomainError('Invalid', parsed.error);
  return parsed.value;
};

/** §4.2 for pods. `matches` defaults to the compiled DaemonSet selector. */
export const claimPods = (ds: DaemonSet, pods: readonly Pod[], matches: LabelSelectorMatcher = daemonSetSelector(ds)): ClaimResult<Pod> =>
  claim(ds, pods, matches);

/** §4.2 for ControllerRevisions (same rules; other namespaces are never adopted). */
export const claimRevisions = (
  ds: DaemonSet,
  revisions: readonly ControllerRevision[],
  matches: LabelSelectorMatcher = daemonSetSelector(ds),
): ClaimResult<ControllerRevision> => claim(ds, revisions, matches);

/** The object after adoption: our controller ownerReference appended. */
export const withAdoption = <T extends Claimable>(obj: T, ds: DaemonSet): T => ({
  ...obj,
  metadata: { ...obj.metadata, ownerReferences: [...(obj.metadata.ownerReferences ?? []), daemonSetControllerRef(ds)] },
});

/** The object after release: every ownerReference with the DaemonSet's UID removed. */
export const withRelease = <T extends Claimable>(obj: T, ds: DaemonSet): T => ({
  ...obj,
  metadata: { ...obj.metadata, ownerReferences: (obj.metadata.ownerReferences ?? []).filter((r: OwnerReference) => r.uid !== ds.metadata.uid) },
});
