import {
  admitPodCreate,
  admitPodStatusUpdate,
  admitPodUpdate,
  canonicalJson,
  forbidden,
  invalidError,
  keepPodPriority,
  PODS,
  priorityClassLookup,
  SELECTABLE_FIELDS,
  statusWriteMetadata,
} from '@daemonledger/domain';
import type { Pod } from '@daemonledger/domain/api/types';
import { PodCommandMsg } from '../../commands/cluster.commands';
import { controllerRefChange, refuseFinalizerChange } from './kept-metadata';
import { byName, type ResourceDef, type WriteContext } from './resource-def';

const command = (pod: Pod, c: WriteContext, cmd: PodCommandMsg['command']) =>
  c.execute(new PodCommandMsg(pod.metadata.namespace!, pod.metadata.name!, cmd, c.meta));

const readBack = (c: WriteContext, pod: Pod) => c.view.pod(pod.metadata.namespace!, pod.metadata.name!);

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const podFields = (p: Pod): Record<string, string> => ({
  'metadata.name': p.metadata.name ?? '',
  'metadata.namespace': p.metadata.namespace ?? '',
  'spec.nodeName': p.spec.nodeName ?? '',
  'spec.restartPolicy': p.spec.restartPolicy ?? '',
  'spec.schedulerName': p.spec.schedulerName ?? '',
  'spec.serviceAccountName': p.spec.serviceAccountName ?? '',
  'spec.hostNetwork': String(p.spec.hostNetwork ?? false),
  'status.phase': p.status?.phase ?? '',
  'status.podIP': p.status?.podIP ?? '',
  'status.nominatedNodeName': (p.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '',
});

/**
 * v1 pods (+ status). Users may create pods (bound at once when they name a
 * node: there is no scheduler), relabel them and delete them (gracefully:
 * the kubelet stops the pod, then it is gone). Updates may change labels,
 * annotations and the controller reference; the pod spec is immutable here
 * (upstream allows a few in-place changes; DaemonLedger none).
 */
export const PODS_RESOURCE: ResourceDef<Pod> = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  namespaced: true,
  ref: PODS,
  streamKind: 'pod',
  hasStatus: true,
  selectableFields: SELECTABLE_FIELDS.Pod,
  fields: podFields,
  list: (view, ns) => byName(ns === undefined ? view.allPods() : view.podsIn(ns)),
  get: (view, ns, name) => view.pod(ns, name),
  writes: {
    decodeKind: 'Pod',
    patchKind: 'Pod',
    async create(input, c) {
      // Priority from the classes the view holds now, as upstream's admission reads its informer.
      const pod = admitPodCreate(input, priorityClassLookup(c.view));
      if (c.dryRun) return pod;
      const { nodeName, ...spec } = pod.spec;
      await command(pod, c, { type: 'CreatePod', pod: { ...pod, spec, status: pod.status ?? { phase: 'Pending' } }, ...(nodeName ? { bindTo: nodeName } : {}) });
      return readBack(c, pod) ?? pod;
    },
    async update(input, current, c) {
      const pod = admitPodUpdate(keepPodPriority(input, current), current);
      const comparable = (p: Pod) => canonicalJson({ ...p.spec, nodeName: undefined });
      if (comparable(pod) !== comparable(admitPodUpdate(current, current))) {
        throw invalidError('Pod', '', current.metadata.name!, [forbidden('spec', POD_UPDATE_FORBIDDEN)]);
      }
      const ownerReference = controllerRefChange('Pod', pod, current);
      refuseFinalizerChange('Pod', pod, current);
      if (c.dryRun) return pod;
      await command(current, c, {
        type: 'UpdatePodMetadata',
        labels: pod.metadata.labels ?? {},
        annotations: pod.metadata.annotations ?? {},
        ...(ownerReference !== undefined ? { ownerReference } : {}),
        expectedResourceVersion: input.metadata.resourceVersion,
      });
      return readBack(c, current) ?? pod;
    },
    async updateStatus(input, current, c) {
      const pod = admitPodStatusUpdate(input, current);
      if (c.dryRun) return pod;
      await command(current, c, {
        type: 'ReportPodStatus',
        status: pod.status ?? {},
        ...statusWriteMetadata(pod),
        expectedUid: current.metadata.uid,
        expectedResourceVersion: input.metadata.resourceVersion,
      });
      return readBack(c, current) ?? current;
    },
    async delete(current, options, c) {
      if (c.dryRun) return current;
      await command(current, c, {
        type: 'RequestPodDeletion',
        reason: 'user',
        expectedUid: options.preconditions?.uid ?? current.metadata.uid,
        ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      });
      return readBack(c, current);
    },
  },
};
