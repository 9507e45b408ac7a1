import { clusterUpcasters } from './upcasters';

describe('the app’s upcaster registry reads old kubelet reports as the current version', () => {
  const registry = clusterUpcasters();
  const observation = { at: '2026-12-01T10:00:00Z', state: 'Running', ready: true, hostIP: '10.0.0.2', podIP: '10.244.0.2', startedAt: '2026-12-01T10:00:00Z' };

  it('a v2 observation becomes v3, marked as a v2 kubelet’s (its ids as recorded)', () =>
    expect(registry.upcast('PodStatusReported', 2, { kubelet: observation }, {})).toEqual({ version: 3, data: { kubelet: { ...observation, legacy: true } } }));

  it('a v1 whole status goes through both steps unchanged', () =>
    expect(registry.upcast('PodStatusReported', 1, { status: { phase: 'Running' } }, {})).toEqual({ version: 3, data: { status: { phase: 'Running' } } }));

  it('a v3 observation is read as written', () =>
    expect(registry.upcast('PodStatusReported', 3, { kubelet: { ...observation, pulls: [null] } }, {})).toEqual({ version: 3, data: { kubelet: { ...observation, pulls: [null] } } }));
});
