import type { ApiClient } from './client';

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  singular: string;
  shortNames: string[];
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; singularName?: string; namespaced: boolean; kind: string; shortNames?: string[]; verbs?: string[] }[];
}

/** Every listable resource the server serves (legacy discovery: /api/v1, then each group's preferred version). */
export const discover = async (client: ApiClient): Promise<ResourceRef[]> => {
  const lists: ApiResourceList[] = [await client.get<ApiResourceList>('/api/v1')];
  const groups = await client.get<{ groups: { preferredVersion: { groupVersion: string } }[] }>('/apis');
  lists.push(...(await Promise.all(groups.groups.map((g) => client.get<ApiResourceList>(`/apis/${g.preferredVersion.groupVersion}`)))));
  return lists.flatMap((l) => {
    const [group, version] = l.groupVersion.includes('/') ? l.groupVersion.split('/') : ['', l.groupVersion];
    return l.resources
      .filter((r) => !r.name.includes('/') && (!r.verbs || r.verbs.includes('list')))
      .map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, singular: r.singularName || r.kind.toLowerCase(), shortNames: r.shortNames ?? [] }));
  });
};

/**
 * What kubectl accepts for a resource: plural, singular, short name or kind,
 * optionally qualified by group (`daemonsets.apps`, `ds.apps`). The core and
 * apps groups win a bare name that several groups serve (`events`).
 */
export const findResource = (all: ResourceRef[], arg: string): ResourceRef | undefined => {
  const text = arg.toLowerCase();
  const dot = text.indexOf('.');
  const [name, group] = dot < 0 ? [text, undefined] : [text.slice(0, dot), text.slice(dot + 1)];
  const matches = all.filter(
    (r) => (group === undefined || r.group === group) && (r.resource === name || r.singular === name || r.shortNames.includes(name) || r.kind.toLowerCase() === name),
  );
  const rank = (r: ResourceRef) => (r.group === '' ? 0 : r.group === 'apps' ? 1 : 2);
  return matches.sort((a, b) => rank(a) - rank(b))[0];
};

/** `/api/v1/namespaces/ns/pods` or `/apis/apps/v1/daemonsets` (namespace undefined: all namespaces). */
export const collectionPath = (r: ResourceRef, namespace: string | undefined): string =>
  `${r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`}${r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${r.resource}`;

/** `daemonset.apps/nginx-ds`, `pod/nginx-ds-abcde`: what `-o name` prints. */
export const qualifiedName = (r: ResourceRef, name: string): string => `${r.kind.toLowerCase()}${r.group ? `.${r.group}` : ''}/${name}`;
