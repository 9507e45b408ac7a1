/** One-line DaemonSet inputs for the API-object specs (§8 conventions: `foo`, simple-daemon labels). */
import type { DaemonSet, PodSpec } from '@daemonledger/domain';

export const SIMPLE_LABELS = { name: 'simple-daemon', type: 'production' };

type Patch = {
  metadata?: Partial<DaemonSet['metadata']>;
  spec?: Partial<Omit<DaemonSet['spec'], 'template'>> & { template?: { metadata?: DaemonSet['metadata']; spec?: Partial<PodSpec> } };
};

/** A raw (undefaulted) DaemonSet as a user would POST it; `undefined` in a patch removes the field. */
export const aDaemonSet = (patch: Patch = {}): DaemonSet => {
  const base: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'foo', namespace: 'default', ...patch.metadata },
    spec: {
      selector: { matchLabels: { ...SIMPLE_LABELS } },
      ...patch.spec,
      template: {
        metadata: { labels: { ...SIMPLE_LABELS }, ...patch.spec?.template?.metadata },
        spec: { containers: [{ name: 'foo', image: 'foo/bar' }], ...patch.spec?.template?.spec },
      },
    },
  };
  return JSON.parse(JSON.stringify(base)) as DaemonSet;
};
