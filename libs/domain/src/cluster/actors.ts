/**
 * Who did what, named as upstream names its components (the `source` of
 * their Kubernetes Events, the user agents of their API requests). Every
 * event's metadata carries one: the audit shows it.
 */
export const ACTORS = {
  /** pkg/controller/daemon: creates and deletes daemon pods, writes DaemonSet status and revisions. */
  daemonSetController: 'daemonset-controller',
  /** pkg/scheduler: binds pods to nodes (the binding subresource). */
  scheduler: 'default-scheduler',
  /** pkg/controller/nodelifecycle: marks unheard-of nodes Unknown and taints them. */
  nodeLifecycleController: 'node-lifecycle-controller',
  garbageCollector: 'garbage-collector',
  podGarbageCollector: 'pod-gc',
  namespaceController: 'namespace-controller',
} as const;

/**
 * Who makes each object every cluster has (planControlPlaneObjects): the
 * ServiceAccount controller its `default` ServiceAccounts, the root CA
 * publisher (pkg/controller/certificates/rootcacertpublisher) the
 * `kube-root-ca.crt` ConfigMaps, the API server itself `default/kubernetes`.
 */
export const controlPlaneActor = (kind: 'serviceaccount' | 'configmap' | 'service'): string =>
  kind === 'serviceaccount' ? 'service-account-controller' : kind === 'configmap' ? 'root-ca-cert-publisher' : 'kube-apiserver';

/**
 * The actor of one event that a command of `commandActor` appended. A
 * command's events are credited to its sender, except where one command here
 * does what two components do upstream: a daemon pod the DaemonSet
 * controller creates on a node that can take it at once is bound in the
 * same append (CreatePod's `bindTo`), while upstream the controller only
 * creates it (pinned by node affinity, since v1.12) and the scheduler binds
 * it: the PodBound is the scheduler's, as its `Scheduled` event says. A pod
 * a user creates with `spec.nodeName` is the user's doing, binding included.
 */
export const eventActor = (eventType: string, commandActor: string): string =>
  eventType === 'PodBound' && commandActor === ACTORS.daemonSetController ? ACTORS.scheduler : commandActor;
