import type { NodeSize } from '@daemonledger/domain/cluster/simulated-node';
import type { ObjectMeta, ResourceRef } from '@daemonledger/domain';
import type { StreamKind } from '@daemonledger/domain/cluster/streams';
import type { PatchKind } from '@daemonledger/domain/api/patch';
import type { FieldValidation } from '@daemonledger/domain';
import type { ClusterView } from '@daemonledger/projections';
import type { CommandMeta } from '../../commands/command-runner.service';

/** Any object the API serves: apiVersion/kind/metadata, the rest opaque here. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** Watch-cache kinds that no stream holds: objects the view derives from several streams. */
export type DerivedKind = 'event' | 'endpoints' | 'endpointslice';

export type DeletionPropagation = 'Background' | 'Foreground' | 'Orphan';

/** meta/v1 DeleteOptions, the parts the API honours. */
export interface DeleteOptions {
  propagationPolicy?: DeletionPropagation;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** What a write needs besides the object: who asks, and the live cluster to command. */
export interface WriteContext {
  view: ClusterView;
  meta: CommandMeta;
  dryRun: boolean;
  /** Executes a command on the bus; resolves once the projection has applied it. */
  execute(command: unknown): Promise<unknown>;
  /** The simulated kubelets, when they run in this process (embedded mode). */
  nodeAgents: NodeAgentHooks;
}

/** Embedded mode: a Node created through the API gets a simulated kubelet, a deleted one loses it. */
export interface NodeAgentHooks {
  join(node: KubeObject): Promise<void>;
  leave(name: string): void;
  readonly attached: boolean;
  /** The simulated machines' size, reported for a Node created without a status. */
  readonly nodeSize: NodeSize;
}

/**
 * The writes a resource accepts. Every input arrives decoded (zod) and is
 * admitted (defaults + validation) here, then becomes one command: a
 * rejected request appends nothing. Each returns the object as stored
 * (read back from the projection), or, for delete, undefined once it is gone.
 */
export interface ResourceWrites<T extends KubeObject = KubeObject> {
  /** The kind `decodeAs` checks bodies against (undefined: not decodable, e.g. Namespace). */
  decodeKind?: 'DaemonSet' | 'Pod' | 'Node' | 'ControllerRevision';
  /** A decoder of the resource's own (the stored kinds: their zod schema), used when decodeKind is absent. */
  decode?(value: unknown, fieldValidation: FieldValidation): { object: T; warnings: string[] };
  patchKind: PatchKind;
  create?(input: T, c: WriteContext): Promise<T>;
  update?(input: T, current: T, c: WriteContext): Promise<T>;
  updateStatus?(input: T, current: T, c: WriteContext): Promise<T>;
  delete?(current: T, options: DeleteOptions, c: WriteContext): Promise<T | undefined>;
}

/**
 * One REST resource: where its objects live in the view, how field
 * selectors see them, and what writes it takes. The generic read, write and
 * watch services do everything else the same way for every resource.
 */
export interface ResourceDef<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  /** Plural, the URL segment. */
  resource: string;
  kind: string;
  namespaced: boolean;
  ref: ResourceRef;
  /** Log streams whose events change these objects; absent for derived resources (no live watch events). */
  /** Which changes of the watch cache are this resource's ('event': the derived Events; 'endpoints'/'endpointslice': derived from Services and pods). */
  streamKind?: StreamKind | DerivedKind;
  selectableFields: readonly string[];
  fields(obj: T): Record<string, string>;
  /** Objects of one namespace (or all when undefined; cluster-scoped ignore it). */
  list(view: ClusterView, namespace: string | undefined): T[];
  get(view: ClusterView, namespace: string, name: string): T | undefined;
  writes?: ResourceWrites<T>;
  /** Subresource `status` is served (GET, and PUT/PATCH when writes.updateStatus exists). */
  hasStatus?: boolean;
  /** Writes record field ownership in `metadata.managedFields` (server-side apply with conflicts). */
  tracksManagedFields?: boolean;
  /** The object as served from the object the view holds (list and get apply it themselves; the watch applies it to changes). A Secret's data is opened here. */
  present?(stored: T): T;
}

export const apiVersionOf = (def: { group: string; version: string }) => (def.group ? `${def.group}/${def.version}` : def.version);

export const metaFields = (o: KubeObject, namespaced: boolean): Record<string, string> => ({
  'metadata.name': o.metadata.name ?? '',
  ...(namespaced ? { 'metadata.namespace': o.metadata.namespace ?? '' } : {}),
});

export const byName = <T extends KubeObject>(xs: T[]): T[] =>
  xs.sort((a, b) => {
    const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
    const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
