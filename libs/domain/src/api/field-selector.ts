/**
 * `?fieldSelector=metadata.name=x,spec.nodeName!=y` (fields.ParseSelector):
 * `=`, `==` and `!=`, with `\` escaping `,`, `=`, `!` and `\` in values.
 */
import { DomainError } from '../errors';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

const splitUnescaped = (s: string, sep: string): string[] => {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      parts.push(cur);
      cur = '';
    } else cur += s[i];
  }
  parts.push(cur);
  return parts;
};

const unescape = (v: string, whole: string): string => {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== '\\') out += v[i];
    else if (i + 1 < v.length && '\\,=!'.includes(v[i + 1])) out += v[++i];
    else throw new DomainError('BadRequest', `invalid selector: '${whole}'; invalid escape sequence`);
  }
  return out;
};

/** Parses a field selector; the empty string selects everything. Errors are BadRequest. */
export const parseFieldSelector = (text: string): FieldRequirement[] => {
  if (text.trim() === '') return [];
  return splitUnescaped(text, ',').map((part) => {
    const m = /^([^=!]*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m || m[1] === '') throw new DomainError('BadRequest', `invalid selector: '${text}'; can't understand '${part}'`);
    return { field: m[1].trim(), operator: m[2] === '!=' ? '!=' : '=', value: unescape(m[3], text) };
  });
};

export const fieldSelectorMatches = (reqs: readonly FieldRequirement[], fields: Readonly<Record<string, string>>): boolean =>
  reqs.every((r) => ((fields[r.field] ?? '') === r.value) === (r.operator === '='));

/**
 * Rejects fields the resource does not index, with the API server's message
 * (`field label not supported: spec.foo`).
 */
export const checkFieldSelector = (reqs: readonly FieldRequirement[], supported: readonly string[]): void => {
  for (const r of reqs) {
    if (!supported.includes(r.field)) throw new DomainError('BadRequest', `field label not supported: ${r.field}`);
  }
};

/** The fields each resource supports in a field selector, and their values for an object. */
export const SELECTABLE_FIELDS = {
  DaemonSet: ['metadata.name', 'metadata.namespace'],
  ControllerRevision: ['metadata.name', 'metadata.namespace'],
  Node: ['metadata.name', 'spec.unschedulable'],
  Pod: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
} as const;
