import { DomainError } from '../errors';
import { decodeAs, decodeManifest, decodeObject, decodeObjectDetailed, parseManifest } from './decode';

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: foo
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: c
        image: nginx
`;

const errorOf = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
};

const rawDs = (patch: (o: any) => void): unknown => {
  const o = parseManifest(DS)[0] as any;
  patch(o);
  return o;
};

describe('parseManifest', () => {
  it('reads every non-empty YAML document', () => {
    expect(parseManifest(`---\n${DS}---\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n`).map((d: any) => d.kind)).toEqual(['DaemonSet', 'Node']);
  });

  it('reads JSON and expands a v1 List', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }] });
    expect(parseManifest(list)).toEqual([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }]);
  });

  it.each([
    ['bad indentation', 'a: b\n  c: d\n', /^error converting YAML to JSON: yaml: line \d+, column \d+: Nested mappings are not allowed in compact mappings$/],
    ['duplicate key', 'a: 1\na: 2\n', /^error converting YAML to JSON: yaml: line 2, column 1: /],
    ['truncated JSON', '{"a": ', /^error parsing JSON/],
  ])('malformed input (%s) is a BadRequest with a position', (_n, text, message) => {
    const e = errorOf(() => parseManifest(text));
    expect(e.code).toBe('BadRequest');
    expect(e.message).toMatch(message);
  });

  it('refuses an alias bomb with a 400, without expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');
    expect(() => parseManifest(bomb)).toThrow(expect.objectContaining({ code: 'BadRequest', message: 'error converting YAML to JSON: yaml: document contains excessive aliasing' }));
  });

  it('reads YAML 1.1 booleans like go-yaml, so `yes` is not a string label', () => {
    const e = errorOf(() => decodeManifest(DS.replace('labels: {app: x}', 'labels: {app: x, enabled: yes}')));
    expect(e.message).toContain('cannot unmarshal bool into Go struct field spec.template.metadata.labels.enabled of type string');
  });
});

describe('decodeObject', () => {
  it('dispatches by apiVersion/kind', () => {
    expect(decodeObject(parseManifest(DS)[0]).kind).toBe('DaemonSet');
  });

  it.each([
    ['extensions/v1beta1', 'DaemonSet'],
    ['apps/v1beta2', 'DaemonSet'],
    ['v1', 'DaemonSet'],
    ['apps/v1', 'Deployment'],
  ])('rejects %s %s with kubectl\'s no-match text', (apiVersion, kind) => {
    const e = errorOf(() => decodeObject({ apiVersion, kind, metadata: { name: 'x' } }));
    expect(e.code).toBe('NotFound');
    expect(e.message).toBe(`no matches for kind "${kind}" in version "${apiVersion}"`);
  });

  it('reports every unknown field under Strict, with full paths, in document order', () => {
    const e = errorOf(() =>
      decodeObject(
        rawDs((o) => {
          o.spec = { foo: 1, ...o.spec };
          o.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
        }),
      ),
    );
    expect(e.code).toBe('BadRequest');
    expect(e.message).toBe(
      'DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
    );
  });

  it('drops unknown fields with warnings under Warn, silently under Ignore', () => {
    const input = rawDs((o) => (o.spec.foo = 1));
    const warn = decodeObjectDetailed(input, { fieldValidation: 'Warn' });
    expect(warn.warnings).toEqual(['unknown field "spec.foo"']);
    expect('foo' in (warn.object as any).spec).toBe(false);
    expect(decodeObjectDetailed(input, { fieldValidation: 'Ignore' }).warnings).toEqual([]);
  });

  it.each([
    ['a string where an int is expected', (o: any) => (o.spec.minReadySeconds = '5'), 'json: cannot unmarshal string into Go struct field spec.minReadySeconds of type int32'],
    ['a fraction where an int is expected', (o: any) => (o.spec.revisionHistoryLimit = 1.5), 'json: cannot unmarshal number 1.5 into Go struct field spec.revisionHistoryLimit of type int32'],
    ['an object where a list is expected', (o: any) => (o.spec.template.spec.containers = { name: 'c' }), 'json: cannot unmarshal object into Go struct field spec.template.spec.containers of type []v1.Container'],
    ['a number label value', (o: any) => (o.metadata.labels = { tier: 1 }), 'json: cannot unmarshal number into Go struct field metadata.labels.tier of type string'],
    ['a malformed quantity', (o: any) => (o.spec.template.spec.containers[0].resources = { limits: { cpu: '1 core' } }), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ])('a type error (%s) is a BadRequest naming the field', (_n, patch, text) => {
    const e = errorOf(() => decodeObject(rawDs(patch)));
    expect(e.code).toBe('BadRequest');
    expect(e.message).toBe(`DaemonSet in version "v1" cannot be handled as a DaemonSet: ${text}`);
  });

  it('treats null as unset and missing required fields as zero values (validation reports them)', () => {
    const ds = decodeObject(rawDs((o) => ((o.spec.updateStrategy = null), (o.spec.template.metadata.creationTimestamp = null), delete o.spec.template.spec.containers[0].name))) as any;
    expect(ds.spec.updateStrategy).toBeUndefined();
    expect(ds.spec.template.spec.containers[0].name).toBe('');
  });

  it('accepts numeric quantities and keeps them as text', () => {
    const ds = decodeObject(rawDs((o) => (o.spec.template.spec.containers[0].resources = { limits: { cpu: 1 } }))) as any;
    expect(ds.spec.template.spec.containers[0].resources.limits.cpu).toBe('1');
  });

  it('keeps nulls inside ControllerRevision data', () => {
    const cr = decodeObject({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, data: { spec: { template: { metadata: { creationTimestamp: null } } } }, revision: 1 }) as any;
    expect(cr.data.spec.template.metadata).toEqual({ creationTimestamp: null });
  });

  it('decodeAs refuses an object of another kind', () => {
    expect(errorOf(() => decodeAs('Pod', parseManifest(DS)[0])).code).toBe('BadRequest');
  });

  it('missing kind is a BadRequest', () => {
    expect(errorOf(() => decodeObject({ apiVersion: 'v1' })).message).toMatch(/^Object 'Kind' is missing/);
  });
});
