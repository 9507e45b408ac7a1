import { isDomainError } from '@daemonledger/domain/errors';
import { UpcasterRegistry } from './upcaster-registry';

describe('UpcasterRegistry', () => {
  const registry = () =>
    new UpcasterRegistry()
      .register('DaemonSetCreated', 1, (d: { image: string }) => ({ template: { image: d.image } }))
      .register('DaemonSetCreated', 2, (d: { template: object }) => ({ ...d, generation: 1 }));

  it('knows the current version from the chain, 1 for unknown types', () => {
    expect(registry().currentVersion('DaemonSetCreated')).toBe(3);
    expect(registry().currentVersion('NodeJoined')).toBe(1);
  });

  it('upcasts v1 → v3 one step at a time, and leaves current or newer data alone', () => {
    expect(registry().upcast('DaemonSetCreated', 1, { image: 'nginx' }, {})).toEqual({
      version: 3,
      data: { template: { image: 'nginx' }, generation: 1 },
    });
    expect(registry().upcast('DaemonSetCreated', 3, { x: 1 }, {})).toEqual({ version: 3, data: { x: 1 } });
    expect(registry().upcast('DaemonSetCreated', 4, { x: 1 }, {})).toEqual({ version: 4, data: { x: 1 } });
  });

  it('reports a gap in the chain and a failing upcaster as StorageError', () => {
    const gap = new UpcasterRegistry().register('PodFailed', 2, (d) => d);
    expect(() => gap.upcast('PodFailed', 1, {}, {})).toThrow(/No upcaster registered for "PodFailed" v1→v2/);
    const failing = new UpcasterRegistry().register('PodFailed', 1, () => {
      throw new Error('bad shape');
    });
    try {
      failing.upcast('PodFailed', 1, {}, {});
      throw new Error('unreachable');
    } catch (e) {
      expect(isDomainError(e, 'StorageError')).toBe(true);
      expect((e as Error).message).toBe('Upcasting "PodFailed" v1→v2 failed: bad shape');
    }
  });

  it('refuses two upcasters for the same step', () => {
    expect(() => registry().register('DaemonSetCreated', 1, (d) => d)).toThrow(/already registered/);
  });
});
