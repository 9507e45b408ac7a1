/** core/v1 Node validation (ValidateNode / ValidateNodeUpdate), the parts DaemonLedger uses. */
import type { Node, Taint } from '../types';
import { duplicate, FieldError, forbidden, invalid, withDetail } from '../field-errors';
import { validateObjectMeta, validateObjectMetaUpdate, validateLabelName } from './meta';
import { isValidLabelValue } from './names';
import { validateTaintEffect } from './pod-spec';

const taintGo = (t: Taint): string =>
  `core.Taint{Key:${JSON.stringify(t.key)}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect)}, TimeAdded:<nil>}`;

export const validateNodeTaints = (taints: Taint[] | undefined, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, t] of (taints ?? []).entries()) {
    const p = `${path}[${i}]`;
    errs.push(...validateLabelName(t.key, `${p}.key`));
    const msgs = isValidLabelValue(t.value ?? '');
    if (msgs.length) errs.push(invalid(`${p}.value`, t.value ?? '', msgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, `${p}.effect`));
    const id = `${t.effect}\u0000${t.key}`;
    if (seen.has(id)) errs.push(withDetail(duplicate(p, { goSyntax: taintGo(t) }), 'taints must be unique by key and effect pair'));
    seen.add(id);
  }
  return errs;
};

/** IPv4 or IPv6 CIDR in canonical-enough form (address/prefix). */
export const cidrFamily = (cidr: string): 4 | 6 | undefined => {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const [, ip, bits] = m;
  const prefix = Number(bits);
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  if (v4.test(ip)) return prefix <= 32 ? 4 : undefined;
  if (/^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') && (ip.match(/::/g) ?? []).length <= 1) return prefix <= 128 ? 6 : undefined;
  return undefined;
};

const CIDR_MESSAGE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

export const validateNode = (node: Node): FieldError[] => {
  const errs = validateObjectMeta(node.metadata, { requiresNamespace: false });
  errs.push(...validateNodeTaints(node.spec.taints, 'spec.taints'));
  const cidrs = node.spec.podCIDRs ?? (node.spec.podCIDR ? [node.spec.podCIDR] : []);
  if (node.spec.podCIDR && node.spec.podCIDRs?.length && node.spec.podCIDRs[0] !== node.spec.podCIDR) {
    errs.push(invalid('spec.podCIDRs', { goSyntax: JSON.stringify(node.spec.podCIDRs) }, 'the first entry must match spec.podCIDR'));
  }
  const families: number[] = [];
  for (const [i, c] of cidrs.entries()) {
    const fam = cidrFamily(c);
    if (!fam) errs.push(invalid(node.spec.podCIDRs ? `spec.podCIDRs[${i}]` : 'spec.podCIDR', c, CIDR_MESSAGE));
    else families.push(fam);
  }
  if (cidrs.length > 2 || new Set(families).size !== families.length) {
    errs.push(invalid('spec.podCIDRs', { goSyntax: JSON.stringify(cidrs) }, 'may specify no more than one CIDR for each IP family'));
  }
  return errs;
};

/** ValidateNodeUpdate: pod CIDRs may only go from unset to set. */
export const validateNodeUpdate = (next: Node, prev: Node): FieldError[] => {
  const errs = [...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateNode(next)];
  const before = prev.spec.podCIDRs ?? (prev.spec.podCIDR ? [prev.spec.podCIDR] : []);
  const after = next.spec.podCIDRs ?? (next.spec.podCIDR ? [next.spec.podCIDR] : []);
  if (before.length && JSON.stringify(before) !== JSON.stringify(after)) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  return errs;
};
