import { refused } from '../../test/refused';
import { LEASE_KIND, formatMicroTime, parseMicroTime } from './lease';
import { admitStoredCreate, admitStoredUpdate, decodeStored } from './registry';
import type { StoredObject } from './kind-def';

const lease = (spec: Record<string, unknown>, name = 'node-1'): StoredObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec });

describe('coordination.k8s.io/v1 Lease admission (upstream ValidateLeaseSpec)', () => {
  it('a node lease as a kubelet writes it is admitted; its times read back as MicroTime (UTC, six digits)', () => {
    const o = admitStoredCreate(LEASE_KIND, lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-12-02T13:00:00.5+01:00' }));
    expect(o.spec).toEqual({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-12-02T12:00:00.500000Z' });
  });

  it('spec is always there, as upstream (a struct): {} when nothing is set', () => {
    expect(admitStoredCreate(LEASE_KIND, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'x', namespace: 'kube-system' } }).spec).toEqual({});
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a zero duration', { leaseDurationSeconds: 0 }, 'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
    ['negative transitions', { leaseTransitions: -1 }, 'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0'],
    ['an unknown bare strategy', { strategy: 'Newest' }, 'spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"'],
    ['a preferred holder without a strategy', { preferredHolder: 'a' }, 'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined'],
  ])('refuses %s (422, nothing appended)', (_name, spec, message) => {
    const e = refused(() => admitStoredCreate(LEASE_KIND, lease(spec)));
    expect(e.code).toBe('Invalid');
    expect(e.message).toContain(message);
  });

  it('a qualified strategy name is accepted, with a preferred holder', () => {
    expect(() => admitStoredCreate(LEASE_KIND, lease({ strategy: 'example.com/mine', preferredHolder: 'a' }))).not.toThrow();
  });

  it('the same rules on update', () => {
    const current = { ...admitStoredCreate(LEASE_KIND, lease({ leaseDurationSeconds: 40 })), metadata: { name: 'node-1', namespace: 'kube-node-lease', uid: 'u', creationTimestamp: 'T' } };
    expect(refused(() => admitStoredUpdate(LEASE_KIND, { ...current, spec: { leaseDurationSeconds: -5 } }, current)).message).toContain('must be greater than 0');
  });

  it('a renewTime that is not RFC 3339 fails decoding (400), as upstream', () => {
    const e = refused(() => decodeStored(LEASE_KIND, lease({ renewTime: 'yesterday' }), 'Strict'));
    expect(e.code).toBe('BadRequest');
    expect(e.message).toContain('yesterday');
  });
});

describe('MicroTime', () => {
  it.each([
    ['2026-12-02T12:00:00.123456Z', '2026-12-02T12:00:00.123456Z'],
    ['2026-12-02T12:00:00Z', '2026-12-02T12:00:00.000000Z'],
    ['2026-12-02T12:00:00.1234567Z', '2026-12-02T12:00:00.123456Z'],
    ['2026-12-02T14:00:00.000001+02:00', '2026-12-02T12:00:00.000001Z'],
  ])('%s reads back as %s', (text, want) => expect(formatMicroTime(parseMicroTime(text)!)).toBe(want));

  it('orders renewals at microsecond precision', () => {
    expect(parseMicroTime('2026-12-02T12:00:00.000002Z')! - parseMicroTime('2026-12-02T12:00:00.000001Z')!).toBe(1);
  });

  it('is undefined for what is not RFC 3339', () => {
    expect(parseMicroTime('2026-12-02 12:00:00')).toBeUndefined();
    expect(parseMicroTime(undefined)).toBeUndefined();
  });
});
