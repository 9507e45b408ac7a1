import { badRequestError, decodeAs, DomainError, type FieldValidation, invalidError, notSupported, parseManifest } from '@daemonledger/domain';
import type { ApiObject } from '@daemonledger/domain';
import { type Query, queryString } from './list-options';
import type { DeleteOptions, KubeObject, ResourceDef } from './resource-def';

/**
 * Everything a write request carries besides the verb: the body decoded with
 * zod (unknown fields per `fieldValidation`), DeleteOptions, dryRun. Errors
 * are upstream's Status texts.
 */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const fieldValidationOf = (q: Query): FieldValidation => {
  const v = queryString(q, 'fieldValidation');
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequestError(`fieldValidation parameter unsupported: ${JSON.stringify(v)}`);
};

export const dryRunOf = (q: Query): boolean => {
  const v = queryString(q, 'dryRun');
  if (v === undefined || v === '') return false;
  if (v === 'All') return true;
  throw invalidError('CreateOptions', 'meta.k8s.io', '', [notSupported('dryRun', v, ['All'])]);
};

/** A create/update body: JSON (kubectl) or YAML (curl users), one object. */
export const parseObjectBody = (raw: string | undefined, contentType: string | undefined): Record<string, unknown> => {
  const text = raw ?? '';
  if (text.trim() === '') throw badRequestError('the request body is empty; an object was expected');
  const yaml = /yaml/i.test(contentType ?? '');
  let value: unknown;
  if (yaml) {
    const docs = parseManifest(text);
    if (docs.length !== 1) throw badRequestError(`expected one object in the request body, found ${docs.length}`);
    value = docs[0];
  } else {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw badRequestError(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  }
  if (!isRecord(value)) throw badRequestError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  return value;
};

/** Decodes a raw object for `def` (typed kinds through zod; others as they are). */
export const decodeFor = (def: ResourceDef, value: unknown, fieldValidation: FieldValidation): { object: KubeObject; warnings: string[] } => {
  const kind = def.writes?.decodeKind;
  if (kind) {
    const d = decodeAs(kind, value, { fieldValidation });
    return { object: d.object as ApiObject as KubeObject, warnings: d.warnings };
  }
  if (def.writes?.decode) return def.writes.decode(value, fieldValidation);
  if (!isRecord(value) || !isRecord(value.metadata)) throw badRequestError(`Object 'Kind' is missing in '${JSON.stringify(value)}'`);
  if (value.kind !== def.kind) throw badRequestError(`the kind in the data (${String(value.kind)}) does not match the expected kind (${def.kind})`);
  return { object: value as unknown as KubeObject, warnings: [] };
};

const POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

export const parseDeleteOptions = (raw: string | undefined, q: Query): DeleteOptions => {
  let body: Record<string, unknown> = {};
  if (raw && raw.trim() !== '') {
    try {
      const v = JSON.parse(raw);
      if (isRecord(v)) body = v;
      else throw new Error('not an object');
    } catch (e) {
      throw badRequestError(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  }
  const policy = (body.propagationPolicy ?? queryString(q, 'propagationPolicy')) as string | undefined;
  const orphan = body.orphanDependents ?? (queryString(q, 'orphanDependents') === undefined ? undefined : queryString(q, 'orphanDependents') === 'true');
  if (policy !== undefined && policy !== null && !(POLICIES as readonly string[]).includes(policy)) {
    throw invalidError('DeleteOptions', 'meta.k8s.io', '', [notSupported('propagationPolicy', policy, POLICIES)]);
  }
  if (policy && orphan !== undefined && orphan !== null) {
    throw new DomainError('Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + policy + '": orphanDependents and deletionPropagation cannot be both set', { kind: 'DeleteOptions', group: 'meta.k8s.io' });
  }
  const grace = body.gracePeriodSeconds ?? queryString(q, 'gracePeriodSeconds');
  const pre = isRecord(body.preconditions) ? body.preconditions : {};
  const dryRun = Array.isArray(body.dryRun) ? body.dryRun.includes('All') : dryRunOf(q);
  return {
    propagationPolicy: (policy as DeleteOptions['propagationPolicy']) ?? (orphan === true ? 'Orphan' : orphan === false ? 'Background' : undefined),
    ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
    preconditions: {
      ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
      ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
    },
    dryRun,
  };
};

/** `metadata.generateName` → a name, as the API server makes one (5 random characters from its alphabet). */
export const generatedName = (prefix: string): string => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${prefix}${s}`;
};
