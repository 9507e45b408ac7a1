import { DomainError } from '@daemonledger/domain';
import { parseAccept, type TableVersion } from '../wire/tables';
import { PROTOBUF_CONTENT_TYPE } from '../wire/protobuf';

/**
 * What an object answer is written as, from the Accept header, the way
 * kube-apiserver negotiates (apiserver pkg/endpoints/handlers/negotiation):
 * media ranges by q-value (then the more specific first, then the client's
 * order); the first one the endpoint can serve wins. JSON objects, Tables
 * (`application/json;as=Table;g=meta.k8s.io;v=v1|v1beta1`) or protobuf
 * objects. A Table is only served as JSON (upstream's AllowsMediaTypeTransform
 * allows Table for json and yaml alone), so `application/vnd.kubernetes.protobuf;as=Table`
 * is skipped like any range the server cannot serve; when none is left the
 * answer is 406 NotAcceptable. No Accept header, `*\/*` and `application/*` mean JSON.
 */
export type OutputFormat = { format: 'json' } | { format: 'protobuf' } | { format: 'table'; version: 'v1' | 'v1beta1' } | { format: 'none' };

export const SERVED_MEDIA_TYPES = ['application/json', PROTOBUF_CONTENT_TYPE];

const specificity = (type: string) => (type === '*/*' ? 0 : type.endsWith('/*') ? 1 : 2);

export const negotiateOutput = (accept: string | undefined): OutputFormat => {
  if (accept === undefined || accept.trim() === '') return { format: 'json' };
  const ranges = parseAccept(accept)
    .map((m, i) => ({ ...m, q: m.params.q === undefined ? 1 : Number(m.params.q), i }))
    .filter((m) => !(m.q <= 0) && !Number.isNaN(m.q))
    .sort((a, b) => b.q - a.q || specificity(b.type) - specificity(a.type) || a.i - b.i);
  for (const m of ranges) {
    const as = m.params.as;
    if (m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*') {
      if (as === 'Table') {
        if (m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1')) return { format: 'table', version: m.params.v };
        continue;
      }
      // Other conversions (PartialObjectMetadata) are not served: the full object, as before.
      return { format: 'json' };
    }
    if (m.type === PROTOBUF_CONTENT_TYPE) {
      if (as !== undefined) continue;
      return { format: 'protobuf' };
    }
  }
  return { format: 'none' };
};

/** Whether the client asked for protobuf before any JSON (errors and other answers that have a protobuf form). */
export const prefersProtobuf = (accept: string | undefined): boolean => negotiateOutput(accept).format === 'protobuf';

/** upstream's 406 text. */
export const notAcceptableMessage = (): string => `only the following media types are accepted: ${SERVED_MEDIA_TYPES.join(', ')}`;

/**
 * What a read answers with: a Table version, protobuf, or JSON (null); 406
 * NotAcceptable when the Accept header names nothing the server writes.
 */
export const readFormat = (accept: string | undefined): { table: TableVersion | null; protobuf: boolean } => {
  const out = negotiateOutput(accept);
  if (out.format === 'none') throw new DomainError('NotAcceptable', notAcceptableMessage());
  return { table: out.format === 'table' ? out.version : null, protobuf: out.format === 'protobuf' };
};

