import { negotiateOutput, readFormat } from './negotiate';

const PB = 'application/vnd.kubernetes.protobuf';

describe('Accept negotiation (as kube-apiserver: q-values, then specificity, then order)', () => {
  it.each<[string, string | undefined, ReturnType<typeof negotiateOutput>]>([
    ['no header', undefined, { format: 'json' }],
    ['client-go with protobuf', `${PB}, application/json`, { format: 'protobuf' }],
    ['client-go JSON', 'application/json', { format: 'json' }],
    ['q-values win over order', `${PB};q=0.5, application/json`, { format: 'json' }],
    ['a specific range wins over */* at the same q', `*/*, ${PB}`, { format: 'protobuf' }],
    ['kubectl get', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', { format: 'table', version: 'v1' }],
    ['a Table is never protobuf: the next range', `${PB};as=Table;v=v1;g=meta.k8s.io, application/json`, { format: 'json' }],
    ['nothing the server writes', `${PB};as=Table;v=v1;g=meta.k8s.io`, { format: 'none' }],
    ['an unknown Table version is skipped', 'application/json;as=Table;v=v2;g=meta.k8s.io, application/json', { format: 'json' }],
    ['q=0 refuses a range', `${PB};q=0, application/json`, { format: 'json' }],
    ['text/html alone', 'text/html', { format: 'none' }],
    ['a browser', 'text/html,application/xhtml+xml,*/*;q=0.8', { format: 'json' }],
  ])('%s', (_what, accept, expected) => {
    expect(negotiateOutput(accept)).toEqual(expected);
  });

  it('a read that can be answered in no accepted type is 406 NotAcceptable', () => {
    expect(() => readFormat('text/html')).toThrow(`only the following media types are accepted: application/json, ${PB}`);
    expect(readFormat(`${PB}, application/json`)).toEqual({ table: null, protobuf: true });
  });
});
