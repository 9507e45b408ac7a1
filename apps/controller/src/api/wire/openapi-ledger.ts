/**
 * components.schemas for ledger.daemonledger.io/v1: the Rollout, so that
 * `kubectl explain rollout.status.nodes.steps` walks it and kubectl's
 * client-side checks know the kind. Read-only: no operation writes it.
 */
import { APPS_V1_SCHEMAS, type Schema } from './openapi-schemas';

const P = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const LEDGER = 'io.daemonledger.ledger.v1.';

const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const int = (description: string): Schema => ({ type: 'integer', format: 'int64', description });
const ref = (name: string, description: string): Schema => ({ allOf: [{ $ref: P + name }], description, default: {} });
const arrayOf = (name: string, description: string): Schema => ({ type: 'array', items: { allOf: [{ $ref: P + name }], default: {} }, description });
const object = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', description, properties, ...extra });
const gvk = (kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group: 'ledger.daemonledger.io', kind, version: 'v1' }] });

const STEPS = [
  'OldPodStopRequested', 'OldPodDeleted', 'NewPodCreated', 'Scheduled', 'Pulling', 'Pulled', 'PullFailed', 'Started', 'Ready', 'Available',
  'WaitingForMaxUnavailable', 'WaitingForMaxSurge', 'Failed', 'NewPodStopRequested', 'NewPodDeleted',
];

export const LEDGER_V1_SCHEMAS: Record<string, Schema> = {
  ...Object.fromEntries([META + 'ObjectMeta', META + 'OwnerReference', META + 'Time', META + 'ListMeta'].map((n) => [n, APPS_V1_SCHEMAS[n]])),
  [LEDGER + 'Rollout']: object(
    'One rollout of a DaemonSet, as the log recorded it: which template change started it, who asked and why, how far it got, and what happened on every node. Read-only.',
    {
      apiVersion: str('ledger.daemonledger.io/v1.'),
      kind: str('Rollout.'),
      metadata: ref(META + 'ObjectMeta', 'name is `<daemonset>-<n>`; the label ledger.daemonledger.io/daemonset names the DaemonSet; resourceVersion is the log position of the last event that changed this rollout.'),
      spec: ref(LEDGER + 'RolloutSpec', 'What the rollout set out to do.'),
      status: ref(LEDGER + 'RolloutStatus', 'How far it got, node by node.'),
    },
    gvk('Rollout'),
  ),
  [LEDGER + 'RolloutList']: object('A list of rollouts.', {
    apiVersion: str('ledger.daemonledger.io/v1.'),
    kind: str('RolloutList.'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata.'),
    items: arrayOf(LEDGER + 'Rollout', 'The rollouts.'),
  }, { required: ['items'], ...gvk('RolloutList') }),
  [LEDGER + 'RolloutSpec']: object('The template change a rollout rolls out, as recorded when it started.', {
    daemonSet: str('Name of the DaemonSet.'),
    daemonSetUID: str('uid of the DaemonSet.'),
    rollout: int('Number of this rollout among the DaemonSet\'s rollouts (1 for its first).'),
    fromRevision: int('ControllerRevision number the DaemonSet ran before; null for its first rollout.'),
    toRevision: int('ControllerRevision number rolled out.'),
    toHash: str('controller-revision-hash of the new pods.'),
    strategy: str('RollingUpdate or OnDelete.'),
    maxUnavailable: int('The budget of unavailable daemon pods, scaled to the node count.'),
    maxSurge: int('The budget of nodes running an old and a new pod at once, scaled to the node count.'),
    nodeCount: int('Nodes that should run the daemon pod when the rollout started.'),
    changeCause: str('The kubernetes.io/change-cause of the template change (kubectl --record), if any.'),
    requestedBy: str('Who changed the template, e.g. user:admin.'),
  }),
  [LEDGER + 'RolloutStatus']: object('How far a rollout got.', {
    state: str('Progressing, Complete, Stalled (a new pod cannot start), Paused (rollout.daemonledger.io/paused), Holding (a partition or selector keeps the remaining nodes), Superseded (another template change came first) or RolledBack (undone by on-stall: rollback).', { enum: ['Complete', 'Holding', 'Paused', 'Progressing', 'RolledBack', 'Stalled', 'Superseded'] }),
    desired: int('Nodes that should run the daemon pod.'),
    updated: int('Nodes running the new revision.'),
    available: int('Nodes whose daemon pod is available.'),
    unavailable: int('Nodes whose daemon pod is not available.'),
    startedAt: str('When the rollout started (RFC 3339).', { format: 'date-time' }),
    endedAt: str('When it completed or was superseded.', { format: 'date-time' }),
    startPosition: int('Log position of RolloutStarted.'),
    lastPosition: int('Log position of the last event that changed this rollout.'),
    message: str('Why it stalled, or which rollout superseded it.'),
    nodesPruned: { type: 'boolean', description: 'The per-node timeline was dropped: only the newest rollouts of a DaemonSet keep one (the audit subresource still has every event).' },
    nodes: arrayOf(LEDGER + 'RolloutNode', 'One entry per node the rollout touched or held back, sorted by node name.'),
  }),
  [LEDGER + 'RolloutNode']: object('What the rollout did on one node.', {
    node: str('Node name.'),
    oldPod: str('The daemon pod of the old revision.'),
    newPod: str('The daemon pod of the new revision.'),
    steps: arrayOf(LEDGER + 'RolloutStep', 'What happened on the node, in log order.'),
  }),
  [LEDGER + 'RolloutStep']: object('One thing that happened on a node during the rollout.', {
    step: str('What happened. WaitingFor… steps mark a node held back because the budget was spent.', { enum: STEPS }),
    time: str('When (RFC 3339, milliseconds).', { format: 'date-time' }),
    position: int('Log position of the event that shows it.'),
    actor: str('Who did it, as upstream names the component: daemonset-controller, default-scheduler, node-agent:<node> (its kubelet), user:<name>.'),
    message: str('Detail: a reason, an image, a kubelet error.'),
  }),
};
