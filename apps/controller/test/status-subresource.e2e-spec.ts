import { join } from 'node:path';
import { type ApiHarness, kubectlExpecting, MANIFESTS, startApiHarness } from './api-harness';

/**
 * Writes to `daemonsets/<name>/status`, `pods/<name>/status` and
 * `nodes/<name>/status` keep the stored spec and server-owned metadata and
 * take labels and annotations from the body, as upstream's status strategies
 * do (recorded in the same append as the status); with the real kubectl
 * (`--subresource=status`) and
 * the exact body upstream's e2e "should verify changes to a daemon set status"
 * sends.
 */
jest.setTimeout(60_000);

/** json.Marshal of an appsv1.DaemonSet holding only a status condition (what client-go's e2e sends). */
const GO_STRUCT_PATCH = JSON.stringify({
  metadata: { creationTimestamp: null },
  spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, updateStrategy: {} },
  status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, conditions: [{ type: 'StatusPatched', status: 'True', lastTransitionTime: null, reason: '', message: '' }] },
});

describe('status subresource writes', () => {
  let h: ApiHarness;
  const { ok } = kubectlExpecting(() => h);
  const ds = async () => JSON.parse(await ok(['get', 'ds', 'nginx-ds', '-o', 'json']));
  /** The events appended to one stream after `head`. */
  const writtenSince = async (head: number, streamId: string) => (await h.embedded.store.readAll({ fromPosition: head })).filter((e) => e.streamId === streamId);

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 50 });
    await ok(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=30s']);
  });
  afterAll(() => h?.dispose());

  it("the e2e spec's Go-struct merge patch to daemonsets/<name>/status is accepted; spec and metadata stay as stored", async () => {
    const before = await ds();
    const res = await h.raw('/apis/apps/v1/namespaces/default/daemonsets/nginx-ds/status', { method: 'PATCH', contentType: 'application/merge-patch+json', body: GO_STRUCT_PATCH });
    expect({ status: res.status, body: res.status === 200 ? '' : res.body }).toEqual({ status: 200, body: '' });
    const patched = res.json<{ metadata: Record<string, unknown>; spec: unknown; status: { conditions?: unknown[] } }>();
    expect(patched.status.conditions).toEqual([expect.objectContaining({ type: 'StatusPatched', status: 'True' })]);
    const after = await ds();
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.metadata.labels).toEqual(before.metadata.labels);
  });

  it('kubectl patch --subresource=status changes the status, not the spec sent along', async () => {
    const before = await ds();
    const out = await ok(['patch', 'ds', 'nginx-ds', '--subresource=status', '--type=merge', '-p', '{"spec":{"minReadySeconds":30},"status":{"conditions":[{"type":"Checked","status":"True"}]}}']);
    expect(out).toBe('daemonset.apps/nginx-ds patched\n');
    const after = await ds();
    expect(after.spec.minReadySeconds ?? 0).toBe(before.spec.minReadySeconds ?? 0);
    expect(after.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Checked', status: 'True' })]));
  });

  it('kubectl patch --subresource=status with labels stores the labels and the status, recorded in one append', async () => {
    const head = await h.head();
    const out = await ok(['patch', 'ds', 'nginx-ds', '--subresource=status', '--type=merge', '-p', '{"metadata":{"labels":{"a":"b"}},"status":{"conditions":[{"type":"Labelled","status":"True"}]}}']);
    expect(out).toBe('daemonset.apps/nginx-ds patched\n');
    const after = await ds();
    expect(after.metadata.labels).toMatchObject({ a: 'b' });
    expect(after.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Labelled', status: 'True' })]));
    expect(JSON.parse(await ok(['get', 'ds', '-l', 'a=b', '-o', 'json'])).items.map((d: { metadata: { name: string } }) => d.metadata.name)).toEqual(['nginx-ds']);
    // The request's events (the controller may write the status again afterwards): status and metadata, one command, adjacent.
    const written = await writtenSince(head, 'daemonset-default.nginx-ds');
    const ours = written.filter((e) => e.metadata.commandId === written[0].metadata.commandId);
    expect(ours.map((e) => [e.type, e.position - written[0].position, e.metadata.actor])).toEqual([
      ['DaemonSetStatusChanged', 0, 'user:admin'],
      ['DaemonSetMetadataChanged', 1, 'user:admin'],
    ]);
    expect(JSON.stringify(ours[0].data)).toContain('"type":"Labelled"');
    expect(ours[1].data).toMatchObject({ labels: expect.objectContaining({ a: 'b' }) });
  });

  it('a finalizer sent through /status is a 422 that names the field, and nothing is appended', async () => {
    const head = await h.head();
    const r = await h.kubectl(['patch', 'ds', 'nginx-ds', '--subresource=status', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/keep"]},"status":{"numberReady":0}}']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('metadata.finalizers: Forbidden');
    expect(await h.head()).toBe(head);
  });

  it("pods/<name>/status: labels are the body's, the owner reference stays as stored", async () => {
    const pods = JSON.parse(await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'json'])).items as { metadata: { name: string; ownerReferences?: unknown[] } }[];
    const pod = pods[0];
    const head = await h.head();
    const got = JSON.parse(await ok(['patch', 'pod', pod.metadata.name, '--subresource=status', '--type=merge', '-o', 'json', '-p', '{"metadata":{"labels":{"checked":"yes"},"ownerReferences":null},"status":{"message":"looked at"}}']));
    expect(got.metadata.labels).toMatchObject({ checked: 'yes' });
    expect(got.metadata.ownerReferences).toEqual(pod.metadata.ownerReferences);
    expect(got.status.message).toBe('looked at');
    const written = await writtenSince(head, `pod-default.${pod.metadata.name}`);
    const labelled = written.filter((e) => e.type === 'PodLabelsChanged');
    expect(labelled.map((e) => e.data)).toEqual([{ labels: expect.objectContaining({ checked: 'yes' }) }]);
    // The status event of the same request: same command, the position before.
    const ours = written.filter((e) => e.metadata.commandId === labelled[0].metadata.commandId);
    expect(ours.map((e) => [e.type, e.position - labelled[0].position])).toEqual([['PodStatusReported', -1], ['PodLabelsChanged', 0]]);
    expect(written.some((e) => e.type === 'PodOwnerChanged')).toBe(false);
  });

  it('nodes/<name>/status: a merge patch with a spec keeps the stored spec; its labels are stored', async () => {
    const node = 'node-1';
    await h.raw(`/api/v1/nodes/${node}/status`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: '{"metadata":{"creationTimestamp":null,"labels":{"example.com/dongle":"true"}},"spec":{"unschedulable":true},"status":{"capacity":{"example.com/dongle":"2"}}}' }).then((r) => expect([r.status, r.status === 200 ? '' : r.body]).toEqual([200, '']));
    const got = JSON.parse(await ok(['get', 'node', node, '-o', 'json']));
    expect(got.spec.unschedulable ?? false).toBe(false);
    expect(got.status.capacity['example.com/dongle']).toBe('2');
    expect(got.metadata.labels['example.com/dongle']).toBe('true');
  });
});
