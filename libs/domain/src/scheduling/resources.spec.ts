import { nodeAllocatable, nonZeroPodRequests, podRequests } from './resources';
import type { PodSpec } from '../api/types';
import { container, node, pod } from './spec-builders';

const Mi = 1024 * 1024;
const withSpec = (spec: Partial<PodSpec>) => pod('p', { spec });

describe('podRequests: app containers are summed', () => {
  it('adds the requests of every container, pods = 1', () => {
    const p = withSpec({ containers: [container('a', { cpu: '100m', memory: '64Mi' }), container('b', { cpu: '0.25', memory: '1Gi' })] });
    expect(podRequests(p)).toEqual({ milliCpu: 350, memory: 64 * Mi + 1024 * Mi, ephemeralStorage: 0, pods: 1 });
  });
  it('reads quantities in base units, rounding up like Quantity.MilliValue / Value', () => {
    expect(podRequests(withSpec({ containers: [container('a', { cpu: '0.1', memory: '1k' })] }))).toMatchObject({ milliCpu: 100, memory: 1000 });
    expect(podRequests(withSpec({ containers: [container('a', { cpu: '1.0001m' })] }))).toMatchObject({ milliCpu: 2 });
  });
  it('a pod that requests nothing still takes one pod slot', () =>
    expect(podRequests(withSpec({ containers: [container('a')] }))).toEqual({ milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 1 }));
  it('counts ephemeral-storage and ignores other resources (extended resources are not modelled)', () => {
    const c = container('a', {}, { resources: { requests: { 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': '1' } } });
    expect(podRequests(withSpec({ containers: [c] }))).toEqual({ milliCpu: 0, memory: 0, ephemeralStorage: 1024 * Mi, pods: 1 });
  });
});

describe('podRequests: init containers run before the app, so the pod needs the larger of the two', () => {
  it('a plain init container larger than the app sum sets the request', () => {
    const p = withSpec({ initContainers: [container('init', { cpu: '2', memory: '10Mi' })], containers: [container('a', { cpu: '500m', memory: '100Mi' })] });
    expect(podRequests(p)).toMatchObject({ milliCpu: 2000, memory: 100 * Mi });
  });
  it('takes the largest init container per resource, not their sum', () => {
    const p = withSpec({
      initContainers: [container('i1', { cpu: '1' }), container('i2', { cpu: '3' }), container('i3', { memory: '1Gi' })],
      containers: [container('a', { cpu: '100m', memory: '10Mi' })],
    });
    expect(podRequests(p)).toMatchObject({ milliCpu: 3000, memory: 1024 * Mi });
  });
});

describe('podRequests: restartable init containers (sidecars) run beside the app', () => {
  const sidecar = (name: string, cpu: string) => container(name, { cpu }, { restartPolicy: 'Always' });
  it('adds a sidecar to the app sum', () => {
    const p = withSpec({ initContainers: [sidecar('s', '200m')], containers: [container('a', { cpu: '300m' })] });
    expect(podRequests(p).milliCpu).toBe(500);
  });
  it('a plain init container after a sidecar needs its own request plus the sidecars started before it', () => {
    const p = withSpec({
      initContainers: [sidecar('s1', '200m'), container('init', { cpu: '1' }), sidecar('s2', '100m')],
      containers: [container('a', { cpu: '300m' })],
    });
    // app 300 + sidecars 300 = 600; the init step needs 1000 + 200 (s1 only) = 1200.
    expect(podRequests(p).milliCpu).toBe(1200);
  });
  it('a plain init container before any sidecar is not charged for them', () => {
    const p = withSpec({ initContainers: [container('init', { cpu: '1' }), sidecar('s', '500m')], containers: [container('a', { cpu: '100m' })] });
    // app 100 + sidecar 500 = 600; init step 1000 + 0 = 1000.
    expect(podRequests(p).milliCpu).toBe(1000);
  });
});

describe('podRequests: spec.overhead is added on top', () => {
  it('adds the RuntimeClass overhead to containers and init containers alike', () => {
    const p = withSpec({ overhead: { cpu: '250m', memory: '120Mi' }, containers: [container('a', { cpu: '1', memory: '1Gi' })] });
    expect(podRequests(p)).toMatchObject({ milliCpu: 1250, memory: 1024 * Mi + 120 * Mi, pods: 1 });
  });
});

describe('nonZeroPodRequests: only for scoring, a container without a request counts 100m / 200Mi', () => {
  it('fills in the defaults per container, keeping explicit requests', () => {
    const p = withSpec({ containers: [container('a'), container('b', { cpu: '1' })] });
    expect(nonZeroPodRequests(p)).toMatchObject({ milliCpu: 1100, memory: 400 * Mi });
    expect(podRequests(p)).toMatchObject({ milliCpu: 1000, memory: 0 });
  });
});

describe('nodeAllocatable: status.allocatable, else capacity', () => {
  it('reads allocatable', () =>
    expect(nodeAllocatable(node('n', { cpu: '3500m', memory: '7Gi', pods: '20' }))).toEqual({ milliCpu: 3500, memory: 7 * 1024 * Mi, ephemeralStorage: 0, pods: 20 }));
  it('falls back to capacity for a resource allocatable does not list', () => {
    const n = node('n');
    n.status = { capacity: { cpu: '2', memory: '1Gi', pods: '10' }, allocatable: { cpu: '1500m' } };
    expect(nodeAllocatable(n)).toEqual({ milliCpu: 1500, memory: 1024 * Mi, ephemeralStorage: 0, pods: 10 });
  });
  it('a node without status has nothing', () => {
    const n = node('n');
    delete n.status;
    expect(nodeAllocatable(n)).toEqual({ milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0 });
  });
});
