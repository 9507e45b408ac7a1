/**
 * coordination.k8s.io/v1 Leases as a stored kind: what kubelets renew in
 * `kube-node-lease` (one per node, named after it) and what leader election
 * keeps in `kube-system`. Schema, defaults and upstream's validation
 * (pkg/apis/coordination/validation ValidateLeaseSpec); plus the MicroTime
 * helpers the heartbeat recorder and the node lifecycle read renewals with.
 */
import { z } from 'zod';
import { type FieldError, forbidden, invalid, notSupported } from '../api/field-errors';
import { objectMetaSchema } from '../api/schemas/meta';
import { int32, str, strict } from '../api/schemas/primitives';
import { isQualifiedName } from '../api/validation/names';
import type { StoredKindDef, StoredObject } from './kind-def';

export const COORDINATION_GROUP = 'coordination.k8s.io';
/** Where kubelets keep their node Leases (upstream's NamespaceNodeLease). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

// ── MicroTime ───────────────────────────────────────────────────────────────
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A metav1.MicroTime as microseconds since the epoch, or undefined when the
 * text is not RFC 3339. Microseconds, because renewals are compared at the
 * precision they are written with (a Date keeps only milliseconds).
 */
export const parseMicroTime = (text: string | undefined): number | undefined => {
  const m = text ? RFC3339.exec(text) : null;
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = Number(((m[2] ?? '.').slice(1) + '000000').slice(0, 6));
  return seconds * 1000 + fraction;
};

/** Microseconds since the epoch as MicroTime's wire form: UTC, six fraction digits (RFC3339Micro). */
export const formatMicroTime = (micros: number): string => {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(Math.trunc(micros - whole * 1_000_000)).padStart(6, '0');
  return `${new Date(whole * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
};

/** A Date (milliseconds) as a MicroTime. */
export const microTimeOf = (at: Date): string => formatMicroTime(at.getTime() * 1000);

// A MicroTime that is not RFC 3339 fails decoding, as upstream's UnmarshalJSON does.
const microTime = () =>
  z.string({ error: 'v1.MicroTime' }).refine((v) => parseMicroTime(v) !== undefined, {
    error: (iss) => `parsing time ${JSON.stringify(iss.input)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse as RFC 3339`,
  });

// ── Lease ───────────────────────────────────────────────────────────────────
const leaseSpecSchema = strict('v1.LeaseSpec', {
  holderIdentity: str().optional(),
  leaseDurationSeconds: int32().optional(),
  acquireTime: microTime().optional(),
  renewTime: microTime().optional(),
  leaseTransitions: int32().optional(),
  strategy: str().optional(),
  preferredHolder: str().optional(),
});

const leaseSchema = strict('v1.Lease', {
  apiVersion: z.literal(`${COORDINATION_GROUP}/v1`),
  kind: z.literal('Lease'),
  metadata: objectMetaSchema.default({}),
  spec: leaseSpecSchema.optional(),
});

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  strategy?: string;
  preferredHolder?: string;
}
export type Lease = StoredObject & { spec: LeaseSpec };

/** The strategies upstream knows by a bare name; others must be qualified (`example.com/x`). */
const KNOWN_STRATEGIES = ['OldestEmulationVersion'];

const validateStrategy = (strategy: string): FieldError[] => {
  if (!strategy.includes('/')) return KNOWN_STRATEGIES.includes(strategy) ? [] : [notSupported('spec.strategy', strategy, KNOWN_STRATEGIES)];
  return isQualifiedName(strategy).map((msg) => invalid('spec.strategy', strategy, msg));
};

/** Upstream's ValidateLeaseSpec. */
export const validateLeaseSpec = (spec: LeaseSpec): FieldError[] => {
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  if (spec.strategy !== undefined) errs.push(...validateStrategy(spec.strategy));
  if (spec.preferredHolder && !spec.strategy) errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  return errs;
};

/** A MicroTime in MicroTime's own form (UTC, microseconds), as upstream writes it back. */
const normalized = (t: string | undefined): string | undefined => {
  const micros = parseMicroTime(t);
  return micros === undefined ? t : formatMicroTime(micros);
};

export const LEASE_KIND: StoredKindDef = {
  streamKind: 'lease',
  group: COORDINATION_GROUP,
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  namespaced: true,
  schema: leaseSchema,
  // spec is a struct upstream, so it is always there (`{}` when nothing is set); times read back as MicroTime.
  defaults: (o) => {
    const spec = { ...((o.spec as LeaseSpec | undefined) ?? {}) };
    for (const f of ['acquireTime', 'renewTime'] as const) if (spec[f] !== undefined) spec[f] = normalized(spec[f]);
    return { ...o, spec };
  },
  validate: (o) => validateLeaseSpec((o.spec as LeaseSpec | undefined) ?? {}),
};
