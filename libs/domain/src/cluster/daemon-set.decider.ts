import type { DaemonSet, DaemonSetSpec, DaemonSetStatus } from '../api/types';
import { checkPreconditions } from '../api/preconditions';
import { DAEMONSETS } from '../api/status';
import { DomainError } from '../errors';
import { jsonEqual } from './equality';
import { statusChanges } from './status-changes';
import type { DaemonSetEvent, DeletionPropagation } from './events';

/**
 * DaemonSet commands → events. Inputs arrive parsed, defaulted and validated
 * (the API layer runs the zod schemas and the API server's validation); this
 * decider owns existence, the write preconditions (at append time) and the
 * registry's generation bookkeeping: `generation` and the template generation
 * annotation are set here and nowhere else (kube-apiserver's daemonset
 * strategy, PrepareForCreate / PrepareForUpdate).
 */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export interface CommandContext {
  /** ISO time of the decision. */
  now: string;
  /** A fresh uid, used only when an object is created. */
  newUid: string;
}

export type DaemonSetCommand =
  | { type: 'CreateDaemonSet'; daemonSet: DaemonSet }
  | { type: 'UpdateDaemonSet'; daemonSet: DaemonSet; expectedResourceVersion?: string }
  /**
   * A write to daemonsets/<name>/status: the status and, as upstream's status
   * strategy keeps them from the request, the labels and annotations it ends
   * with (absent: unchanged). One command, so both land in one append.
   */
  | {
      type: 'UpdateDaemonSetStatus';
      status: DaemonSetStatus;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      expectedResourceVersion?: string;
    }
  | { type: 'DeleteDaemonSet'; propagationPolicy: DeletionPropagation; expectedUid?: string; expectedResourceVersion?: string }
  /** The garbage collector's last step: every dependent is handled. */
  | { type: 'FinalizeDaemonSetDeletion' };

const resource = (ds: { metadata: { name?: string } }) => `daemonsets.apps "${ds.metadata.name}"`;

export const templateGenerationOf = (ds: DaemonSet): number => {
  const raw = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) ? n : 0;
};

const emptyStatus = (): DaemonSetStatus => ({
  currentNumberScheduled: 0,
  numberMisscheduled: 0,
  desiredNumberScheduled: 0,
  numberReady: 0,
});

const notFound = (name: string | undefined) =>
  new DomainError('NotFound', `daemonsets.apps "${name}" not found`, { name, group: 'apps', kind: 'daemonsets' });

export const decideDaemonSet = (
  cmd: DaemonSetCommand,
  current: DaemonSet | undefined,
  ctx: CommandContext,
): DaemonSetEvent[] => {
  switch (cmd.type) {
    case 'CreateDaemonSet': {
      if (current) {
        throw new DomainError('AlreadyExists', `${resource(cmd.daemonSet)} already exists`, {
          name: cmd.daemonSet.metadata.name,
          group: 'apps',
          kind: 'daemonsets',
        });
      }
      const { resourceVersion: _rv, deletionTimestamp: _dt, ...meta } = cmd.daemonSet.metadata;
      const daemonSet: DaemonSet = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: {
          ...meta,
          uid: ctx.newUid,
          generation: 1,
          creationTimestamp: ctx.now,
          // A client may start the template generation higher (upstream keeps it), never below 1.
          annotations: { ...(meta.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(Math.max(1, templateGenerationOf(cmd.daemonSet))) },
        },
        spec: cmd.daemonSet.spec,
        status: emptyStatus(),
      };
      return [{ type: 'DaemonSetCreated', data: { daemonSet } }];
    }
    case 'UpdateDaemonSet': {
      if (!current) throw notFound(cmd.daemonSet.metadata.name);
      checkPreconditions(DAEMONSETS, current, { resourceVersion: cmd.expectedResourceVersion });
      return update(current, cmd.daemonSet);
    }
    case 'UpdateDaemonSetStatus': {
      if (!current) throw notFound('');
      checkPreconditions(DAEMONSETS, current, { resourceVersion: cmd.expectedResourceVersion });
      // Status first: a metadata event wakes the controller, which must then see the status this write stored.
      const metadata = metadataOfStatusWrite(current, cmd);
      if (jsonEqual(current.status, cmd.status)) return metadata;
      const changed = statusChanges(current.status, cmd.status);
      return [{ type: 'DaemonSetStatusChanged', data: changed ? { changed } : { status: cmd.status } }, ...metadata];
    }
    case 'DeleteDaemonSet': {
      if (!current) throw notFound('');
      checkPreconditions(DAEMONSETS, current, { uid: cmd.expectedUid, resourceVersion: cmd.expectedResourceVersion }, 'delete');
      if (cmd.propagationPolicy === 'Background') {
        return [{ type: 'DaemonSetDeleted', data: { uid: current.metadata.uid!, propagationPolicy: 'Background' } }];
      }
      // Foreground and Orphan go through a finalizer: the object stays visible with a
      // deletionTimestamp until the garbage collector has dealt with every dependent.
      if (current.metadata.deletionTimestamp) return [];
      const finalizer = cmd.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : 'orphan';
      return [
        {
          type: 'DaemonSetDeletionRequested',
          data: {
            propagationPolicy: cmd.propagationPolicy,
            deletionTimestamp: ctx.now,
            finalizers: [...(current.metadata.finalizers ?? []), finalizer],
          },
        },
      ];
    }
    case 'FinalizeDaemonSetDeletion': {
      if (!current) return [];
      const policy: DeletionPropagation = current.metadata.finalizers?.includes('orphan') ? 'Orphan' : 'Foreground';
      return [{ type: 'DaemonSetDeleted', data: { uid: current.metadata.uid!, propagationPolicy: policy } }];
    }
  }
};

/**
 * The metadata event of a status write, when its labels or annotations differ
 * from the stored ones. The template generation annotation is the stored one
 * whatever the body says (upstream keeps it in the spec, which a status write
 * cannot change).
 */
const metadataOfStatusWrite = (current: DaemonSet, cmd: Extract<DaemonSetCommand, { type: 'UpdateDaemonSetStatus' }>): DaemonSetEvent[] => {
  if (cmd.labels === undefined && cmd.annotations === undefined) return [];
  const labels = cmd.labels ?? current.metadata.labels ?? {};
  const annotations = { ...(cmd.annotations ?? current.metadata.annotations ?? {}) };
  const templateGeneration = current.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (templateGeneration === undefined) delete annotations[TEMPLATE_GENERATION_ANNOTATION];
  else annotations[TEMPLATE_GENERATION_ANNOTATION] = templateGeneration;
  const unchanged = jsonEqual(labels, current.metadata.labels ?? {}) && jsonEqual(annotations, current.metadata.annotations ?? {});
  return unchanged ? [] : [{ type: 'DaemonSetMetadataChanged', data: { labels, annotations } }];
};

/**
 * `metadata.creationTimestamp: null` (as Go writes templates, and as revision
 * data and `kubectl rollout undo` carry them) is the same template as none.
 */
const comparableTemplate = (t: DaemonSetSpec['template']) => {
  if (t.metadata?.creationTimestamp !== null) return t;
  const { creationTimestamp: _null, ...metadata } = t.metadata;
  return { ...t, metadata };
};

/**
 * What an update changes, as the registry's generation bookkeeping sees it
 * (spec §1.3): a template change bumps generation and template generation,
 * any other spec change only generation. The one definition, shared with
 * admission (`admitDaemonSetUpdate`).
 */
export const specChanges = (prev: DaemonSet, next: DaemonSet): { templateChanged: boolean; specChanged: boolean } => {
  const templateChanged = !jsonEqual(comparableTemplate(next.spec.template), comparableTemplate(prev.spec.template));
  const specChanged = templateChanged || !jsonEqual({ ...next.spec, template: undefined }, { ...prev.spec, template: undefined });
  return { templateChanged, specChanged };
};

/** Registry update semantics: client status and template generation are ignored; generation moves with the spec. */
const update = (current: DaemonSet, next: DaemonSet): DaemonSetEvent[] => {
  const labels = next.metadata.labels;
  const annotations = { ...(next.metadata.annotations ?? {}) };
  const templateGeneration = templateGenerationOf(current);
  annotations[TEMPLATE_GENERATION_ANNOTATION] = String(templateGeneration);
  // Field ownership (server-side apply) travels with the change that made it; undefined when it did not move.
  const managedFields = jsonEqual(next.metadata.managedFields ?? [], current.metadata.managedFields ?? []) ? undefined : (next.metadata.managedFields ?? []);
  const metadataChanged =
    !jsonEqual(labels ?? {}, current.metadata.labels ?? {}) || !jsonEqual(annotations, current.metadata.annotations ?? {}) || managedFields !== undefined;
  const { templateChanged, specChanged } = specChanges(current, next);

  if (specChanged) {
    const nextTemplateGeneration = templateChanged ? templateGeneration + 1 : templateGeneration;
    annotations[TEMPLATE_GENERATION_ANNOTATION] = String(nextTemplateGeneration);
    return [
      {
        type: 'DaemonSetSpecChanged',
        data: {
          spec: next.spec as DaemonSetSpec,
          generation: (current.metadata.generation ?? 1) + 1,
          templateGeneration: nextTemplateGeneration,
          templateChanged,
          labels,
          annotations,
          changeCause: annotations[CHANGE_CAUSE_ANNOTATION],
          ...(managedFields ? { managedFields } : {}),
        },
      },
    ];
  }
  if (metadataChanged) return [{ type: 'DaemonSetMetadataChanged', data: { labels, annotations, ...(managedFields ? { managedFields } : {}) } }];
  return [];
};
