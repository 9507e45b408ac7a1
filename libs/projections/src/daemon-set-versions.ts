import type { DaemonSet } from '@daemonledger/domain/api/types';

/**
 * Every version of each DaemonSet that a daemon pod can be built from, so the
 * fold can rebuild a compact `PodCreated` (a DaemonPodRef names the DaemonSet
 * version the controller read). A version is kept when an event changes what
 * `newDaemonPod` reads (template, name, uid, annotations): status changes
 * are not kept, so this holds a handful of objects per DaemonSet (one per
 * user edit), shared with the view. Deleted DaemonSets stay: a pod created
 * just before the deletion may be appended just after it.
 *
 * Part of the fold's state: a snapshot of the view must hold it.
 */
export class DaemonSetVersions {
  /** `ns/name` → versions in log order. */
  readonly byName = new Map<string, { position: number; daemonSet: DaemonSet }[]>();

  /** Records the DaemonSet after the event at `position` (undefined: deleted, nothing to keep). */
  record(namespace: string, name: string, position: number, daemonSet: DaemonSet | undefined, statusOnly: boolean): void {
    if (!daemonSet || statusOnly) return;
    const key = `${namespace}/${name}`;
    let list = this.byName.get(key);
    if (!list) this.byName.set(key, (list = []));
    list.push({ position, daemonSet });
  }

  /**
   * The DaemonSet as it was at `version` (its resourceVersion then): the last kept version at or
   * before it. Without one (a view restored from a snapshot that did not hold these), `current`
   * when it has not changed since `version`, which is then exactly that version.
   */
  at(namespace: string, name: string, version: number, current?: DaemonSet): DaemonSet | undefined {
    const list = this.byName.get(`${namespace}/${name}`) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i].position <= version) return list[i].daemonSet;
    return current && Number(current.metadata.resourceVersion) <= version ? current : undefined;
  }
}
