import { ACTORS, controlPlaneActor, eventActor } from './actors';

describe('each event is credited to the component upstream would name', () => {
  it.each([
    ['a daemon pod bound at its creation: the scheduler binds it (upstream: controller creates, scheduler binds)', 'PodBound', ACTORS.daemonSetController, 'default-scheduler'],
    ['the daemon pod’s creation stays the DaemonSet controller’s', 'PodCreated', ACTORS.daemonSetController, 'daemonset-controller'],
    ['a binding by the scheduler itself', 'PodBound', ACTORS.scheduler, 'default-scheduler'],
    ['a pod a user created with spec.nodeName: the user bound it', 'PodBound', 'user:admin', 'user:admin'],
    ['a kubelet’s report', 'PodStatusReported', 'node-agent:node-1', 'node-agent:node-1'],
  ])('%s', (_rule, type, commandActor, expected) => expect(eventActor(type, commandActor)).toBe(expected));
});

describe('the objects every cluster has are made by the controller upstream names', () => {
  it.each([
    ['serviceaccount', 'service-account-controller'],
    ['configmap', 'root-ca-cert-publisher'],
    ['service', 'kube-apiserver'],
  ] as const)('%s: %s', (kind, actor) => expect(controlPlaneActor(kind)).toBe(actor));
});
