/**
 * The exact PATCH bodies kubectl v1.32 sends (shared/spec/kubectl-wire.md §7,
 * §10), applied to realistic live objects.
 */
import { applyPatch } from './apply-patch';
import type { JsonObject } from './json';

const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';

const liveDaemonSet = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: {
    name: 'nginx-ds',
    namespace: 'default',
    uid: 'ds-uid',
    resourceVersion: '42',
    generation: 3,
    labels: { app: 'nginx-ds' },
    annotations: { 'deprecated.daemonset.template.generation': '3' },
  },
  spec: {
    selector: { matchLabels: { app: 'nginx-ds' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
    template: {
      metadata: { labels: { app: 'nginx-ds' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.8.0',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'demo' }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
            resources: {},
          },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
      },
    },
  },
  status: { observedGeneration: 3, desiredNumberScheduled: 1 },
});

const podSpec = (ds: JsonObject): JsonObject => ((ds.spec as JsonObject).template as JsonObject).spec as JsonObject;
const containers = (ds: JsonObject): JsonObject[] => podSpec(ds).containers as JsonObject[];

const liveNode = (extra: JsonObject = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', uid: 'node-uid', resourceVersion: '7', labels: { 'kubernetes.io/hostname': 'n1' } },
  spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], ...extra },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('kubectl set image / edit (SMP with $setElementOrder)', () => {
  it('set image --record changes only the image and records the change-cause', () => {
    const body =
      '{"metadata":{"annotations":{"kubernetes.io/change-cause":"kubectl set image ds/nginx-ds nginx=nginx:1.9.1 --record=true"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"image":"nginx:1.9.1","name":"nginx"}]}}}}';
    const before = liveDaemonSet();
    const after = applyPatch(SMP, before, body, 'DaemonSet');
    const expected = liveDaemonSet();
    containers(expected)[0].image = 'nginx:1.9.1';
    ((expected.metadata as JsonObject).annotations as JsonObject)['kubernetes.io/change-cause'] =
      'kubectl set image ds/nginx-ds nginx=nginx:1.9.1 --record=true';
    expect(after).toEqual(expected);
    expect(before).toEqual(liveDaemonSet());
  });

  it('edit of the image sends the same body without metadata', () => {
    const body = '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"image":"nginx:1.10.0","name":"nginx"}]}}}}';
    const after = applyPatch(SMP, liveDaemonSet(), body, 'DaemonSet');
    const expected = liveDaemonSet();
    containers(expected)[0].image = 'nginx:1.10.0';
    expect(after).toEqual(expected);
  });

  it('client-side apply of the image (10.2) also updates last-applied', () => {
    const body =
      '{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"kind\\":\\"DaemonSet\\"}\\n"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"image":"nginx:1.8.0","name":"nginx"}]}}}}';
    const after = applyPatch(SMP, liveDaemonSet(), body, 'DaemonSet');
    expect((after.metadata as JsonObject).annotations).toEqual({
      'deprecated.daemonset.template.generation': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"DaemonSet"}\n',
    });
    expect(containers(after)).toEqual(containers(liveDaemonSet()));
  });
});

describe('kubectl apply 3-way patch (§7.2 example)', () => {
  const body = `{"spec":{"template":{"spec":{
    "$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}],
    "$setElementOrder/volumes":[{"name":"data"}],
    "containers":[
      {"args":["sleep","infinity"],"image":"busybox:1.36","name":"sidecar"},
      {"$setElementOrder/env":[{"name":"FOO"}],"$setElementOrder/ports":[{"containerPort":8080}],
       "env":[{"name":"FOO","value":"bar"},{"$patch":"delete","name":"MODE"}],
       "name":"nginx",
       "ports":[{"containerPort":8080},{"$patch":"delete","containerPort":80}]}],
    "tolerations":null,
    "volumes":[{"$retainKeys":["hostPath","name"],"emptyDir":null,
                "hostPath":{"path":"/var/data"},"name":"data"}]}}}}`;

  const after = applyPatch(SMP, liveDaemonSet(), body, 'DaemonSet');

  it('puts the new sidecar first, as $setElementOrder says', () => {
    expect(containers(after).map((c) => c.name)).toEqual(['sidecar', 'nginx']);
    expect(containers(after)[0]).toEqual({ args: ['sleep', 'infinity'], image: 'busybox:1.36', name: 'sidecar' });
  });

  it('replaces env MODE by FOO and port 80 by 8080, keeping the rest of the container', () => {
    expect(containers(after)[1]).toEqual({
      name: 'nginx',
      image: 'nginx:1.8.0',
      imagePullPolicy: 'IfNotPresent',
      ports: [{ containerPort: 8080 }],
      env: [{ name: 'FOO', value: 'bar' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      resources: {},
    });
  });

  it('drops the tolerations and switches the volume from emptyDir to hostPath', () => {
    expect(podSpec(after).tolerations).toBeUndefined();
    expect(podSpec(after).volumes).toEqual([{ name: 'data', hostPath: { path: '/var/data' } }]);
  });

  it('leaves no directive behind', () => {
    expect(JSON.stringify(after)).not.toMatch(/\$(patch|setElementOrder|retainKeys|deleteFromPrimitiveList)/);
  });
});

describe('kubectl rollout undo ($patch: replace on the template)', () => {
  it('makes the template exactly the revision’s, leaving the rest of the DaemonSet alone', () => {
    const live = liveDaemonSet();
    const spec = podSpec(live);
    spec.nodeSelector = { disk: 'ssd' };
    (spec.containers as JsonObject[]).push({ name: 'sidecar', image: 'busybox' });
    const body =
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"nginx-ds"}},"spec":{"containers":[{"env":[{"name":"MODE","value":"demo"}],"image":"nginx:1.8.1","imagePullPolicy":"IfNotPresent","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}';
    const after = applyPatch(SMP, live, body, 'DaemonSet');
    expect((after.spec as JsonObject).template).toEqual({
      // creationTimestamp: null is dropped like every null a patch adopts (see strategic-merge-patch.ts)
      metadata: { labels: { app: 'nginx-ds' } },
      spec: {
        containers: [
          {
            env: [{ name: 'MODE', value: 'demo' }],
            image: 'nginx:1.8.1',
            imagePullPolicy: 'IfNotPresent',
            name: 'nginx',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    });
    const { template: _t, ...restSpec } = after.spec as JsonObject;
    const { template: _l, ...liveRest } = liveDaemonSet().spec as JsonObject;
    expect(restSpec).toEqual(liveRest);
    expect(after.metadata).toEqual(liveDaemonSet().metadata);
  });
});

describe('kubectl label / taint / cordon on nodes', () => {
  it('label sends a JSON merge patch', () => {
    const after = applyPatch(MERGE, liveNode(), '{"metadata":{"labels":{"disktype":"ssd"}}}', 'Node');
    expect((after.metadata as JsonObject).labels).toEqual({ 'kubernetes.io/hostname': 'n1', disktype: 'ssd' });
  });

  it('label removal (disktype-) sends null', () => {
    const live = applyPatch(MERGE, liveNode(), '{"metadata":{"labels":{"disktype":"ssd"}}}', 'Node');
    const after = applyPatch(MERGE, live, '{"metadata":{"labels":{"disktype":null}}}', 'Node');
    expect((after.metadata as JsonObject).labels).toEqual({ 'kubernetes.io/hostname': 'n1' });
  });

  it('taint adds the first taint', () => {
    const after = applyPatch(SMP, liveNode(), '{"spec":{"taints":[{"effect":"NoSchedule","key":"key","value":"value"}]}}', 'Node');
    expect((after.spec as JsonObject).taints).toEqual([{ effect: 'NoSchedule', key: 'key', value: 'value' }]);
  });

  it('taints are atomic: the full new list replaces the old one', () => {
    const live = liveNode({ taints: [{ key: 'a', value: '1', effect: 'NoExecute' }, { key: 'key', value: 'value', effect: 'NoSchedule' }] });
    const body = '{"spec":{"taints":[{"effect":"NoExecute","key":"a","value":"1"}]}}';
    expect((applyPatch(SMP, live, body, 'Node').spec as JsonObject).taints).toEqual([{ effect: 'NoExecute', key: 'a', value: '1' }]);
  });

  it('removing the last taint sends taints: null', () => {
    const live = liveNode({ taints: [{ key: 'key', value: 'value', effect: 'NoSchedule' }] });
    expect((applyPatch(SMP, live, '{"spec":{"taints":null}}', 'Node').spec as JsonObject).taints).toBeUndefined();
  });

  it('cordon and uncordon', () => {
    const cordoned = applyPatch(SMP, liveNode(), '{"spec":{"unschedulable":true}}', 'Node');
    expect((cordoned.spec as JsonObject).unschedulable).toBe(true);
    const uncordoned = applyPatch(SMP, cordoned, '{"spec":{"unschedulable":null}}', 'Node');
    expect(uncordoned).toEqual(liveNode());
  });

  it('podCIDRs merge as a set', () => {
    const after = applyPatch(SMP, liveNode(), '{"spec":{"podCIDRs":["10.244.0.0/24","fd00::/64"]}}', 'Node');
    expect((after.spec as JsonObject).podCIDRs).toEqual(['10.244.0.0/24', 'fd00::/64']);
  });

  it('node status conditions merge by type', () => {
    const body = '{"status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"False","reason":"KubeletNotReady"}]}}';
    expect((applyPatch(SMP, liveNode(), body, 'Node').status as JsonObject).conditions).toEqual([
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
    ]);
  });
});

describe('delete --cascade=orphan: finalizers and ownerReferences', () => {
  const pod = (): JsonObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'nginx-ds-abcde',
      namespace: 'default',
      uid: 'pod-uid',
      resourceVersion: '50',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: 'ds-uid', controller: true, blockOwnerDeletion: true },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-uid' },
      ],
    },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.8.0' }] },
  });

  it('adding the orphan finalizer merges it into the set', () => {
    const live = liveDaemonSet();
    (live.metadata as JsonObject).finalizers = ['example.com/keep'];
    const after = applyPatch(SMP, live, '{"metadata":{"finalizers":["orphan"]}}', 'DaemonSet');
    expect((after.metadata as JsonObject).finalizers).toEqual(['orphan', 'example.com/keep']);
    // Adding it again changes nothing.
    expect(applyPatch(SMP, after, '{"metadata":{"finalizers":["orphan"]}}', 'DaemonSet')).toEqual(after);
  });

  it('removing it uses $deleteFromPrimitiveList, keeping the others', () => {
    const live = liveDaemonSet();
    (live.metadata as JsonObject).finalizers = ['orphan', 'example.com/keep'];
    const body = '{"metadata":{"$setElementOrder/finalizers":["example.com/keep"],"$deleteFromPrimitiveList/finalizers":["orphan"]}}';
    expect((applyPatch(SMP, live, body, 'DaemonSet').metadata as JsonObject).finalizers).toEqual(['example.com/keep']);
  });

  it('the garbage collector orphans a dependent by deleting its ownerReference by uid', () => {
    // Upstream GC's deleteOwnerRefStrategicMergePatch body.
    const body = '{"metadata":{"ownerReferences":[{"$patch":"delete","uid":"ds-uid"}],"uid":"pod-uid"}}';
    const after = applyPatch(SMP, pod(), body, 'Pod');
    expect((after.metadata as JsonObject).ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-uid' }]);
  });

  it('a finalizer removal by merge patch with a stale resourceVersion is a 409', () => {
    const live = liveDaemonSet();
    (live.metadata as JsonObject).finalizers = ['orphan'];
    const body = '{"metadata":{"finalizers":null,"resourceVersion":"41"}}';
    expect(() => applyPatch(MERGE, live, body, 'DaemonSet')).toThrow(
      'Operation cannot be fulfilled on daemonsets.apps "nginx-ds": the object has been modified; please apply your changes to the latest version and try again',
    );
    const ok = applyPatch(MERGE, live, '{"metadata":{"finalizers":null,"resourceVersion":"42"}}', 'DaemonSet');
    expect((ok.metadata as JsonObject).finalizers).toBeUndefined();
  });
});
