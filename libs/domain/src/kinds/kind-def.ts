import type { z } from 'zod';
import type { StoredObjectPayload } from '../cluster/events';
import type { StoredStreamKind } from '../cluster/streams';
import type { FieldError } from '../api/field-errors';
import { invalid } from '../api/field-errors';
import type { NameValidator } from '../api/validation/meta';
import { byteLength, maxLenError, regexError } from '../api/validation/names';

/** An object of a stored kind as the log and the view keep it. */
export type StoredObject = StoredObjectPayload;

/**
 * One kind kept by the generic stored-object machinery: its wire identity,
 * zod schema, defaults and validation (upstream's registry strategy for the
 * kind, the parts that matter here). Every stored kind is written through
 * the same decider (object.decider.ts) and folded by the same evolve.
 */
export interface StoredKindDef {
  streamKind: StoredStreamKind;
  group: string;
  version: string;
  kind: string;
  /** Plural, the URL segment. */
  resource: string;
  namespaced: boolean;
  /** Strict zod schema of the wire object (unknown fields are reported per fieldValidation). */
  schema: z.ZodType;
  /** Name rule (DNS subdomain unless said otherwise). */
  nameFn?: NameValidator;
  /** The object with its defaults (idempotent). */
  defaults(o: StoredObject): StoredObject;
  /** Validation of a new object, beyond the common metadata rules. */
  validate(o: StoredObject): FieldError[];
  /** Validation of an update, beyond validate(next) and the metadata update rules. */
  validateUpdate?(next: StoredObject, prev: StoredObject): FieldError[];
  /** What an update keeps from the stored object whatever the request says (e.g. a namespace's status). */
  keepOnUpdate?(next: StoredObject, prev: StoredObject): StoredObject;
  /** Deleting it begins a termination (phase Terminating) finished by a controller, as for Namespaces. */
  terminates?: boolean;
  /** Fields field selectors may name besides metadata.name/namespace. */
  selectableFields?(o: StoredObject): Record<string, string>;
}

export const apiVersionOfKind = (d: { group: string; version: string }) => (d.group ? `${d.group}/${d.version}` : d.version);

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** validation.IsConfigMapKey: the keys of ConfigMap and Secret data. */
export const isConfigMapKey = (key: string): string[] => {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLenError(253));
  if (!CONFIG_KEY.test(key)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", '[-._a-zA-Z0-9]+', 'key.name', 'KEY_NAME', 'key-name'));
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
};

export const validateConfigKeys = (m: Record<string, string> | undefined, path: string): FieldError[] =>
  Object.keys(m ?? {}).flatMap((k) => isConfigMapKey(k).map((msg) => invalid(`${path}[${k}]`, k, msg)));

/** The total size limit of a ConfigMap's or Secret's data (upstream's MaxSecretSize, 1 MiB). */
export const MAX_DATA_BYTES = 1024 * 1024;

export const dataBytes = (...maps: (Record<string, string> | undefined)[]): number =>
  maps.reduce((n, m) => n + Object.entries(m ?? {}).reduce((k, [key, v]) => k + byteLength(key) + byteLength(v), 0), 0);

/** Standard base64 of a string's UTF-8 bytes (stringData → data), without Node's Buffer. */
export const base64OfUtf8 = (s: string): string => {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
};

/** Whether a value is standard base64 (what a []byte field accepts on the wire). */
export const isBase64 = (s: string): boolean => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0;

/** Number of bytes a base64 value decodes to. */
export const base64Bytes = (s: string): number => Math.floor((s.length * 3) / 4) - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
