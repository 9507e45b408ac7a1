import { aDaemonSet } from '../../test/a-daemon-set';
import { applyPodOnlyDefaults, defaultContainer, defaultDaemonSet, defaultNode, defaultPodSpec, defaultProbe, defaultVolume, imageTag } from './defaults';
import type { Node, PodSpec } from './types';

describe('imagePullPolicy default', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'Always'],
    ['repository.test.com:8444/kubernetes/nginx/nginx:1.7.9', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['Nginx', 'IfNotPresent'], // does not parse → no tag → IfNotPresent
  ])('%s → %s', (image, policy) => {
    expect(defaultContainer({ name: 'c', image }).imagePullPolicy).toBe(policy);
  });

  it('keeps a user-set policy', () => {
    expect(defaultContainer({ name: 'c', image: 'nginx', imagePullPolicy: 'Never' }).imagePullPolicy).toBe('Never');
  });

  it('imageTag reports latest only for untagged, undigested references', () => {
    expect([imageTag('a/b'), imageTag('a/b:v1'), imageTag('a/b@sha256:00')]).toEqual(['latest', 'v1', '']);
  });
});

describe('template defaults', () => {
  const spec: PodSpec = {
    containers: [
      {
        name: 'c',
        image: 'x:1',
        ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
        livenessProbe: { httpGet: { port: 8080 } },
        resources: { limits: { cpu: '1' } },
      },
    ],
    volumes: [{ name: 'scratch' }, { name: 's', secret: { secretName: 's' } }, { name: 'cm', configMap: { name: 'c', defaultMode: 0o400 } }, { name: 'h', hostPath: { path: '/x' } }],
  };

  it('fills PodSpec, container, port, probe and volume defaults', () => {
    const out = defaultPodSpec(spec);
    expect(out).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', securityContext: {} });
    expect(out.containers[0].ports).toEqual([
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
    expect(out.containers[0].livenessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(out.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 's', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'cm', configMap: { name: 'c', defaultMode: 0o400 } },
      { name: 'h', hostPath: { path: '/x', type: '' } },
    ]);
  });

  it('does not add pod-only defaults to a template', () => {
    const out = defaultPodSpec({ ...spec, hostNetwork: true });
    expect(out.enableServiceLinks).toBeUndefined();
    expect(out.containers[0].resources?.requests).toBeUndefined();
    expect(out.containers[0].ports?.[0].hostPort).toBeUndefined();
  });

  it('never mutates its input', () => {
    const input = JSON.parse(JSON.stringify(spec));
    defaultPodSpec(input);
    defaultDaemonSet(aDaemonSet());
    expect(input).toEqual(spec);
  });

  it('defaultVolume and defaultProbe keep explicit values', () => {
    expect(defaultVolume({ name: 'p', projected: { sources: [], defaultMode: 256 } })).toEqual({ name: 'p', projected: { sources: [], defaultMode: 256 } });
    expect(defaultProbe({ exec: { command: ['true'] }, periodSeconds: 5 }).periodSeconds).toBe(5);
  });
});

describe('pod-only defaults (SetDefaults_Pod)', () => {
  it('sets enableServiceLinks, copies limits to missing requests, and mirrors hostPort under hostNetwork', () => {
    const out = applyPodOnlyDefaults({
      hostNetwork: true,
      containers: [{ name: 'c', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 81 }], resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }],
    });
    expect(out.enableServiceLinks).toBe(true);
    expect(out.containers[0].resources?.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(out.containers[0].ports?.map((p) => p.hostPort)).toEqual([80, 81]);
  });

  it('leaves hostPort alone without hostNetwork', () => {
    expect(applyPodOnlyDefaults({ containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] }).containers[0].ports?.[0].hostPort).toBeUndefined();
  });
});

describe('DaemonSet defaults', () => {
  it.each([
    ['no strategy', undefined, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }],
    ['type only', { type: 'RollingUpdate' }, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }],
    ['partial rollingUpdate', { rollingUpdate: { maxSurge: '10%' } }, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } }],
    ['OnDelete', { type: 'OnDelete' }, { type: 'OnDelete' }],
  ])('%s', (_n, updateStrategy, expected) => {
    expect(defaultDaemonSet(aDaemonSet({ spec: { updateStrategy } })).spec.updateStrategy).toEqual(expected);
  });

  it('does not default minReadySeconds', () => {
    expect(defaultDaemonSet(aDaemonSet()).spec.minReadySeconds).toBeUndefined();
  });
});

describe('Node defaults', () => {
  it('allocatable defaults to capacity', () => {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {}, status: { capacity: { cpu: '4' } } };
    expect(defaultNode(node).status?.allocatable).toEqual({ cpu: '4' });
  });
});
