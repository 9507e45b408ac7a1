import { openApiV3Document, openApiV3Root } from './openapi';
import { buildOpenApiV2, openApiV2Document, toV2Schema, wantsOpenApiV2Protobuf } from './openapi-v2';
import { decodeOpenApiV2 } from './openapi-v2-proto';

type V3 = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

describe('/openapi/v2, derived from the v3 documents', () => {
  const v2 = buildOpenApiV2() as { swagger: string; paths: Record<string, Record<string, any>>; definitions: Record<string, any> };
  const v3 = Object.keys(openApiV3Root().paths).map((gv) => JSON.parse(openApiV3Document(gv)!.body) as V3);

  it('has every v3 path, operation and schema (a kind added to v3 appears here with no code of its own)', () => {
    for (const doc of v3) {
      for (const [path, item] of Object.entries(doc.paths)) {
        expect(Object.keys(v2.paths[path] ?? {}).sort()).toEqual(Object.keys(item).sort());
        for (const [method, op] of Object.entries(item)) {
          expect(v2.paths[path][method]['x-kubernetes-group-version-kind']).toEqual(op['x-kubernetes-group-version-kind']);
          expect(v2.paths[path][method]['x-kubernetes-action']).toEqual(op['x-kubernetes-action']);
        }
      }
      for (const [name, schema] of Object.entries(doc.components.schemas)) {
        expect(v2.definitions[name]).toBeDefined();
        expect(v2.definitions[name]['x-kubernetes-group-version-kind']).toEqual(schema['x-kubernetes-group-version-kind']);
      }
    }
    expect(v2.swagger).toBe('2.0');
  });

  it('refers into definitions only, and every reference resolves', () => {
    const refs = JSON.stringify(v2).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) {
      const target = r.slice(8, -1);
      expect(target).toMatch(/^#\/definitions\//);
      expect(v2.definitions[target.slice('#/definitions/'.length)]).toBeDefined();
    }
  });

  it('writes a lone allOf reference as the $ref itself, keeps descriptions and x- extensions, drops v3-only keywords', () => {
    expect(toV2Schema({ allOf: [{ $ref: '#/components/schemas/X' }], description: 'd', default: {}, nullable: true, 'x-kubernetes-list-type': 'map' })).toEqual({
      $ref: '#/definitions/X',
      description: 'd',
      default: {},
      'x-kubernetes-list-type': 'map',
    });
    expect(toV2Schema({ type: 'array', items: { allOf: [{ $ref: '#/components/schemas/Y' }] } })).toEqual({ type: 'array', items: { $ref: '#/definitions/Y' } });
    expect(toV2Schema({ type: 'object', additionalProperties: { type: 'string' } })).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('parameters carry their type as v2 does; no PATCH operation consumes a strategic merge patch', () => {
    const patch = v2.paths['/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}'].patch;
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query', type: 'string' }));
    for (const item of Object.values(v2.paths)) expect(item.patch?.consumes ?? []).not.toContain('application/strategic-merge-patch+json');
  });

  it('the protobuf form decodes to the same document (names, GVK extensions as YAML)', () => {
    const { protobuf, json } = openApiV2Document();
    const back = decodeOpenApiV2(protobuf) as any;
    expect(back.swagger).toBe('2.0');
    expect(back.definitions.additionalProperties.map((d: any) => d.name)).toEqual(Object.keys(JSON.parse(json).definitions));
    expect(back.paths.path.map((p: any) => p.name)).toEqual(Object.keys(JSON.parse(json).paths));
    const ds = back.definitions.additionalProperties.find((d: any) => d.name === 'io.k8s.api.apps.v1.DaemonSet').value;
    const gvk = ds.vendorExtension.find((e: any) => e.name === 'x-kubernetes-group-version-kind');
    expect(JSON.parse(gvk.value.yaml)).toEqual([{ group: 'apps', kind: 'DaemonSet', version: 'v1' }]);
    expect(ds.type.value).toEqual(['object']);
  });

  it.each([
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', true],
    ['application/com.github.proto-openapi.spec.v2.v1.0+protobuf', true],
    ['application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0.9', true],
    ['application/json', false],
    [undefined, false],
  ])('Accept %s → protobuf %s', (accept, protobuf) => expect(wantsOpenApiV2Protobuf(accept)).toBe(protobuf));
});
