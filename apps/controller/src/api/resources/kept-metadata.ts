import { canonicalJson, forbidden, invalidError } from '@daemonledger/domain';
import type { OwnerReference } from '@daemonledger/domain/api/types';
import type { KubeObject } from './resource-def';

type Kind = 'Pod' | 'Node' | 'ControllerRevision' | 'DaemonSet';
const GROUPS: Record<Kind, string> = { Pod: '', Node: '', ControllerRevision: 'apps', DaemonSet: 'apps' };
const PLURALS: Record<Kind, string> = { Pod: 'pods', Node: 'nodes', ControllerRevision: 'controllerrevisions', DaemonSet: 'daemonsets' };

const refuse = (kind: Kind, name: string, field: string, why: string) => invalidError(kind, GROUPS[kind], name, [forbidden(field, why)]);

/**
 * What an update does to an object's owner references: undefined when they
 * are unchanged, else the one controller reference they end with (or null).
 * The log records the controller reference only (what adoption, release and
 * the garbage collector act on); any other owner list is refused whole
 * rather than half-kept. `recordable: false` (a kind with no owner command)
 * refuses every change.
 */
export const controllerRefChange = (kind: Kind, next: KubeObject, current: KubeObject, recordable = true): OwnerReference | null | undefined => {
  const refs = next.metadata.ownerReferences ?? [];
  if (canonicalJson(refs) === canonicalJson(current.metadata.ownerReferences ?? [])) return undefined;
  if (recordable && refs.length === 0) return null;
  if (recordable && refs.length === 1 && refs[0].controller) return refs[0];
  throw refuse(
    kind,
    current.metadata.name ?? '',
    'metadata.ownerReferences',
    recordable ? 'DaemonLedger records one owner reference per object, its controller (controller: true)' : 'DaemonLedger does not record owner reference changes on this kind',
  );
};

/** Finalizers an update would add or remove: refused (the log keeps only those DaemonLedger itself sets, through deletion). */
export const refuseFinalizerChange = (kind: Kind, next: KubeObject, current: KubeObject): void => {
  if (canonicalJson(next.metadata.finalizers ?? []) !== canonicalJson(current.metadata.finalizers ?? [])) {
    throw refuse(kind, current.metadata.name ?? '', 'metadata.finalizers', `DaemonLedger does not keep finalizers set by an update on ${PLURALS[kind]}`);
  }
};
