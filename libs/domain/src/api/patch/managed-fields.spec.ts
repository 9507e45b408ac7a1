import type { JsonObject } from './json';
import { applyWithOwnership, describePath, fieldSet, fromFieldsV1, toFieldsV1, trackUpdate } from './managed-fields';
import { PATCH_SCHEMAS } from './patch-schema';

const schema = PATCH_SCHEMAS.DaemonSet;
const now = '2026-11-23T00:00:00Z';
const ds = (image: string, extra: JsonObject = {}): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', labels: { app: 'agent' } },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image, ...extra }] } },
  },
});
const managers = (o: JsonObject) => ((o.metadata as JsonObject).managedFields as JsonObject[]).map((e) => `${e.manager}/${e.operation}`);

describe('managed fields (server-side apply)', () => {
  it('field sets: leaves and keyed items, in FieldsV1 and back; identity and status are nobody’s', () => {
    const set = fieldSet({ ...ds('nginx'), status: { numberReady: 1 }, metadata: { name: 'x', uid: 'u', labels: { a: 'b' } } }, schema);
    expect([...set].map(describePath).sort()).toEqual([
      '.metadata.labels.a',
      '.spec.selector.matchLabels.app',
      '.spec.template.metadata.labels.app',
      '.spec.template.spec.containers[name="agent"]',
      '.spec.template.spec.containers[name="agent"].image',
      '.spec.template.spec.containers[name="agent"].name',
    ]);
    const v1 = toFieldsV1(set);
    expect((((v1['f:spec'] as JsonObject)['f:template'] as JsonObject)['f:spec'] as JsonObject)['f:containers']).toEqual({ 'k:{"name":"agent"}': { '.': {}, 'f:image': {}, 'f:name': {} } });
    expect(fromFieldsV1(v1)).toEqual(set);
  });

  it('a first apply creates and owns what it set; the same apply again changes nothing', () => {
    const created = applyWithOwnership({}, ds('nginx:1.25'), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now, schema });
    expect(managers(created)).toEqual(['kubectl/Apply']);
    const again = applyWithOwnership(created, ds('nginx:1.25'), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now: 'later', schema });
    expect(again).toEqual(created);
  });

  it('another manager setting a field to another value conflicts (409 with causes); force takes it over', () => {
    const created = applyWithOwnership({}, ds('nginx:1.25'), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now, schema });
    let error: any;
    try {
      applyWithOwnership(created, ds('nginx:1.26'), { manager: 'ci', force: false, apiVersion: 'apps/v1', now, schema });
    } catch (e) {
      error = e;
    }
    expect(error.code).toBe('Conflict');
    expect(error.message).toBe('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.template.spec.containers[name="agent"].image');
    expect(error.details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using apps/v1', field: '.spec.template.spec.containers[name="agent"].image' }]);
    // The same value is no conflict: both own it.
    const shared = applyWithOwnership(created, ds('nginx:1.25'), { manager: 'ci', force: false, apiVersion: 'apps/v1', now, schema });
    expect(managers(shared)).toEqual(['kubectl/Apply', 'ci/Apply']);
    const forced = applyWithOwnership(created, ds('nginx:1.26'), { manager: 'ci', force: true, apiVersion: 'apps/v1', now, schema });
    expect((((forced.spec as any).template.spec.containers[0]) as JsonObject).image).toBe('nginx:1.26');
    const kubectlOwns = fromFieldsV1((forced.metadata as any).managedFields[0].fieldsV1);
    expect([...kubectlOwns].map(describePath)).not.toContain('.spec.template.spec.containers[name="agent"].image');
  });

  it('a field the manager stops applying is removed, unless another manager owns it', () => {
    const withEnv = applyWithOwnership({}, ds('nginx', { env: [{ name: 'MODE', value: 'x' }], args: ['-v'] }), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now, schema });
    const without = applyWithOwnership(withEnv, ds('nginx'), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now, schema });
    expect((without.spec as any).template.spec.containers[0]).toEqual({ name: 'agent', image: 'nginx' });
    // Owned by an Update manager too (kubectl edit): kept.
    const edited = { ...withEnv, metadata: { ...(withEnv.metadata as JsonObject), managedFields: trackUpdate(withEnv, { ...withEnv, metadata: { ...(withEnv.metadata as JsonObject), labels: { app: 'agent', tier: 'x' } } }, { manager: 'kubectl-edit', apiVersion: 'apps/v1', now, schema }) as any, labels: { app: 'agent', tier: 'x' } } };
    const keptLabel = applyWithOwnership(edited, ds('nginx', { env: [{ name: 'MODE', value: 'x' }], args: ['-v'] }), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now, schema });
    expect((keptLabel.metadata as any).labels).toEqual({ app: 'agent', tier: 'x' });
  });

  it('an update takes the fields it changed from their owners', () => {
    const applied = applyWithOwnership({}, ds('nginx:1.25'), { manager: 'kubectl', force: false, apiVersion: 'apps/v1', now, schema });
    const after = JSON.parse(JSON.stringify(applied));
    after.spec.template.spec.containers[0].image = 'nginx:1.26';
    const managed = trackUpdate(applied, after, { manager: 'kubectl-set', apiVersion: 'apps/v1', now, schema })!;
    expect(managed.map((e) => `${e.manager}/${e.operation}`)).toEqual(['kubectl/Apply', 'kubectl-set/Update']);
    expect([...fromFieldsV1(managed[1].fieldsV1)].map(describePath)).toEqual(['.spec.template.spec.containers[name="agent"].image']);
    expect([...fromFieldsV1(managed[0].fieldsV1)].map(describePath)).not.toContain('.spec.template.spec.containers[name="agent"].image');
    // Nothing changed: managedFields untouched. Sent managedFields (kubectl's migration) are taken as sent.
    expect(trackUpdate(applied, applied, { manager: 'x', apiVersion: 'apps/v1', now, schema })).toBe((applied.metadata as any).managedFields);
    const sent = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    expect(trackUpdate(applied, { ...applied, metadata: { ...(applied.metadata as JsonObject), managedFields: sent as any } }, { manager: 'x', apiVersion: 'apps/v1', now, schema })).toBe(sent);
    expect(trackUpdate(applied, { ...applied, metadata: { ...(applied.metadata as JsonObject), managedFields: [] } }, { manager: 'x', apiVersion: 'apps/v1', now, schema })).toBeUndefined();
    // A PUT without managedFields (kubectl replace of a file) keeps them, and records its own change.
    const { managedFields: _m, ...meta } = after.metadata;
    const replaced = trackUpdate(applied, { ...after, metadata: meta }, { manager: 'kubectl-replace', apiVersion: 'apps/v1', now, schema })!;
    expect(replaced.map((e) => `${e.manager}/${e.operation}`)).toEqual(['kubectl/Apply', 'kubectl-replace/Update']);
  });
});
