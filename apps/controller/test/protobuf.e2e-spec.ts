import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lookupType } from '../src/api/wire/k8s-proto';
import { decodeObject, encodeObject } from '../src/api/wire/protobuf';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * Protobuf on the wire (`application/vnd.kubernetes.protobuf`), as
 * kube-apiserver speaks it: request bodies, object, list and Status answers,
 * watch frames, Accept negotiation (Tables stay JSON); and bodies nested too
 * deeply (JSON, YAML, protobuf) refused with a 400 Status before anything
 * recursive reads them. The real kubectl sends protobuf for its typed
 * clients (create namespace, auth can-i): it must get Status answers it reads.
 */
jest.setTimeout(90_000);

const PB = 'application/vnd.kubernetes.protobuf';
const CLIENT_GO_ACCEPT = `${PB}, application/json`;
const DS = '/apis/apps/v1/namespaces/default/daemonsets';
const ROOT = join(__dirname, '../../..');

/** Builds the Go client (upstream's codecs) into the shared Go cache (scripts/go-tools.mjs); rebuilt when its source changes. */
const goClient = async (): Promise<string> => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/go-tools.mjs'), 'go-protobuf'], { timeout: 15 * 60_000 });
  return stdout.trim();
};

const nginx = () => JSON.parse(JSON.stringify(require('yaml').parse(readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8'))));
const decode = (bytes: Buffer) => decodeObject(bytes, 1_000) as Record<string, any>;
/** A JSON answer as a Go client sees it after protobuf: the same codec both ways (its fidelity is unit-tested). */
const viaProtobuf = (json: unknown) => decode(encodeObject(json)!);

/** A body nested `depth` levels below `metadata.labels` (so it is valid JSON of the right shape above the nesting). */
const deepJson = (depth: number) => `{"metadata":{"annotations":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;

describe('protobuf bodies and nesting limits', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 50 });
    expect((await h.raw(DS, { method: 'POST', body: nginx() })).status).toBe(201);
    await h.until(async () => (await h.raw(`${DS}/nginx-ds`)).json<any>().status?.numberAvailable === 2, 20_000, 'nginx-ds available');
  });
  afterAll(() => h?.dispose());

  /** The log's head once nothing has been appended for a moment (pods settle after a rollout). */
  const settledHead = async () => {
    let head = await h.head();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const now = await h.head();
      if (now === head) return head;
      head = now;
    }
  };

  describe('answers', () => {
    it('GET: a client that prefers protobuf gets the k8s envelope, the same object as the JSON answer', async () => {
      const json = (await h.raw(`${DS}/nginx-ds`)).json<any>();
      const pb = await h.raw(`${DS}/nginx-ds`, { accept: CLIENT_GO_ACCEPT });
      expect(pb.status).toBe(200);
      expect(pb.headers['content-type']).toBe(PB);
      expect(pb.bytes.subarray(0, 4).toString('latin1')).toBe('k8s\u0000');
      expect(decode(pb.bytes)).toEqual(viaProtobuf(json));
      expect(decode(pb.bytes)).toMatchObject({ kind: 'DaemonSet', metadata: { name: 'nginx-ds', uid: json.metadata.uid, resourceVersion: json.metadata.resourceVersion }, status: { numberAvailable: 2 } });
      // q-values: JSON preferred over protobuf → JSON.
      const q = await h.raw(`${DS}/nginx-ds`, { accept: `${PB};q=0.5, application/json` });
      expect(q.headers['content-type']).toBe('application/json');
    });

    it('lists (with pages) and Status errors are protobuf too', async () => {
      const json = (await h.raw('/api/v1/namespaces/default/pods')).json<any>();
      const pb = await h.raw('/api/v1/namespaces/default/pods', { accept: CLIENT_GO_ACCEPT });
      expect(pb.headers['content-type']).toBe(PB);
      const list = decode(pb.bytes);
      expect(list).toMatchObject({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: json.metadata.resourceVersion } });
      expect(list).toEqual(viaProtobuf(json));
      expect(list.items.map((p: any) => p.metadata.name).sort()).toEqual(json.items.map((p: any) => p.metadata.name).sort());
      const page = decode((await h.raw('/api/v1/namespaces/default/pods?limit=1', { accept: PB })).bytes);
      expect(page.items).toHaveLength(1);
      expect(page.metadata.continue).toEqual(expect.any(String));
      expect(page.metadata.remainingItemCount).toBe(1);
      const missing = await h.raw(`${DS}/nope`, { accept: CLIENT_GO_ACCEPT });
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toBe(PB);
      expect(decode(missing.bytes)).toEqual({
        apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'daemonsets.apps "nope" not found', reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'daemonsets' }, code: 404,
      });
    });

    it('Tables stay JSON: protobuf;as=Table is skipped for the next range, and alone it is 406', async () => {
      const tableFirst = `${PB};as=Table;v=v1;g=meta.k8s.io, application/json`;
      const fallback = await h.raw(DS, { accept: tableFirst });
      expect(fallback.headers['content-type']).toBe('application/json');
      expect(fallback.json()).toMatchObject({ kind: 'DaemonSetList' });
      const alone = await h.raw(DS, { accept: `${PB};as=Table;v=v1;g=meta.k8s.io` });
      expect(alone.status).toBe(406);
      expect(alone.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406, message: `only the following media types are accepted: application/json, ${PB}` });
      const table = await h.raw(DS, { accept: `application/json;as=Table;v=v1;g=meta.k8s.io, ${PB}` });
      expect(table.json()).toMatchObject({ kind: 'Table' });
    });

    it('watch: length-prefixed WatchEvent frames whose objects are enveloped', async () => {
      const frames = await watchFrames(h, `${DS}?watch=true&timeoutSeconds=1`, 1);
      expect(frames.contentType).toBe(`${PB};stream=watch`);
      const watchEvent = lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');
      const event = watchEvent.toObject(watchEvent.decode(frames.frames[0])) as { type: string; object: { raw: Uint8Array } };
      expect(event.type).toBe('ADDED');
      expect(decode(Buffer.from(event.object.raw))).toMatchObject({ kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { name: 'nginx-ds' } });
    });
  });

  describe('requests', () => {
    it('garbage, truncated, unprefixed and unknown-kind protobuf → 400 Status; nothing appended', async () => {
      const head = await settledHead();
      const good = encodeObject({ ...nginx(), apiVersion: 'apps/v1', kind: 'DaemonSet' })!;
      const bodies: [Buffer, RegExp][] = [
        [good.subarray(0, good.length - 7), /could not be decoded: .*(index out of range|invalid)/],
        [Buffer.from('{"kind":"DaemonSet"}'), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/],
        [Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07])]), /could not be decoded/],
        [encodeObject({ apiVersion: 'apps/v1', kind: 'DeleteOptions' })!, /.+/],
        [Buffer.from('k8s\u0000', 'latin1'), /empty body/],
      ];
      for (const [body, message] of bodies.slice(0, 3).concat(bodies.slice(4))) {
        const res = await h.raw(DS, { method: 'POST', body, contentType: PB, accept: CLIENT_GO_ACCEPT });
        expect(res.status).toBe(400);
        expect(decode(res.bytes)).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringMatching(message) });
      }
      // PATCH bodies are JSON or YAML, as upstream: a protobuf patch is 415.
      const patch = await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', body: good, contentType: PB });
      expect(patch.status).toBe(415);
      expect(patch.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType' });
      // The envelope names a kind the schema has, but not this resource's: the usual kind mismatch, still a 4xx.
      const wrongKind = await h.raw(DS, { method: 'POST', body: bodies[3][0], contentType: PB });
      expect(wrongKind.status).toBeGreaterThanOrEqual(400);
      expect(wrongKind.status).toBeLessThan(500);
      expect(await h.head()).toBe(head);
    });

    it('kubectl create namespace (a protobuf body) gets a Status kubectl reads, not a JSON parse error', async () => {
      const run = await h.kubectl(['create', 'namespace', 'pb-ns', '-v=8']);
      expect(run.stderr).toMatch(/Request Headers:[\s\S]*Content-Type: application\/vnd.kubernetes.protobuf/);
      expect(run.stderr).not.toMatch(/json parse error/);
      if (run.code !== 0) expect(run.stderr).toMatch(/Error from server \((Forbidden|AlreadyExists|NotFound|MethodNotAllowed)\)/);
      else expect(run.stdout).toMatch(/namespace\/pb-ns created/);
    });
  });

  describe('nesting deeper than 1000 levels is a 400, for every body format (see wire/nesting.ts for why not upstream\'s 10000)', () => {
    it('JSON create, merge patch on a DaemonSet and on a node, JSON patch, apply YAML, protobuf', async () => {
      const head = await settledHead();
      const cases: [string, string, string][] = [
        ['POST', DS, `{"apiVersion":"apps/v1","kind":"DaemonSet",${deepJson(1_001).slice(1)}`],
        ['PATCH', `${DS}/nginx-ds`, deepJson(1_001)],
        ['PATCH', '/api/v1/nodes/node-0', deepJson(100_000)],
        ['PATCH', `${DS}/nginx-ds`, `[{"op":"add","path":"/metadata/annotations/x","value":${'['.repeat(20_000)}${']'.repeat(20_000)}}]`],
        ['PATCH', `${DS}/nginx-ds?fieldManager=t`, `metadata:\n  annotations:\n    x: ${'['.repeat(1_001)}${']'.repeat(1_001)}\n`],
      ];
      const types = ['application/json', 'application/merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'];
      for (const [i, [method, path, body]] of cases.entries()) {
        const res = await h.raw(path, { method, body, contentType: types[i] });
        expect([i, res.status]).toEqual([i, 400]);
        expect(res.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'the request body is nested too deeply: exceeded max depth of 1000' });
      }
      // YAML nesting by indentation and by sequence dashes counts too.
      const indented = Array.from({ length: 1_001 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
      const dashes = `spec:\n  x:\n  ${'- '.repeat(1_001)}1\n`;
      for (const body of [`spec:\n${indented.replace(/^/gm, '  ')} 1\n`, dashes]) {
        const res = await h.raw(`${DS}/nginx-ds?fieldManager=t`, { method: 'PATCH', body, contentType: 'application/apply-patch+yaml' });
        expect(res.status).toBe(400);
        expect(res.json()).toMatchObject({ reason: 'BadRequest', message: expect.stringMatching(/exceeded max depth of 1000/) });
      }
      // Protobuf: a RawExtension (a ControllerRevision's data) nested too deeply inside its raw JSON.
      const deepArray = JSON.parse(`${'['.repeat(1_001)}${']'.repeat(1_001)}`);
      const revision = encodeObject({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'deep' }, revision: 1, data: deepArray })!;
      const res = await h.raw('/apis/apps/v1/namespaces/default/controllerrevisions', { method: 'POST', body: revision, contentType: PB });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ reason: 'BadRequest', message: expect.stringMatching(/exceeded max depth of 1000/) });
      expect(await h.head()).toBe(head);
    });

    it('bodies nested up to the limit are answered with a 4xx or a success, never a 500', async () => {
      const spec = (v: string) => `{"spec":{"foo":${v}}}`;
      const objects = (d: number) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
      for (const depth of [100, 1_000]) {
        for (const path of [`${DS}/nginx-ds`, '/api/v1/nodes/node-0']) {
          for (const type of ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json']) {
            for (const value of [`${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}`, objects(depth - 2)]) {
              const body = type === 'application/json-patch+json' ? `[{"op":"add","path":"/spec/foo","value":${value.slice(1, -1) || '1'}}]` : spec(value);
              const res = await h.raw(path, { method: 'PATCH', body, contentType: type });
              expect([depth, path, type, res.status < 500]).toEqual([depth, path, type, true]);
              expect(res.json()).toHaveProperty('kind');
            }
          }
        }
      }
    });
  });

  // Last: the DaemonSet it creates starts pods, so the log keeps moving for a while.
  describe('writes', () => {
    it('creates, updates and deletes from protobuf bodies (DeleteOptions too)', async () => {
      const ds = { ...nginx(), apiVersion: 'apps/v1', kind: 'DaemonSet' };
      ds.metadata = { ...ds.metadata, name: 'pb-ds' };
      const created = await h.raw(DS, { method: 'POST', body: encodeObject(ds)!, contentType: PB, accept: CLIENT_GO_ACCEPT });
      expect(created.status).toBe(201);
      const back = decode(created.bytes);
      expect(back.metadata).toMatchObject({ name: 'pb-ds', namespace: 'default', generation: 1 });
      expect(back.spec.template.spec.containers[0]).toMatchObject(ds.spec.template.spec.containers[0]);
      expect((await h.raw(`${DS}/pb-ds`)).json<any>().spec.updateStrategy).toEqual(back.spec.updateStrategy);

      // PUT with the read resourceVersion (the controller may move it between read and write: then read again).
      let updated = await h.raw(`${DS}/pb-ds`);
      for (let attempt = 0; attempt < 5; attempt++) {
        const stored = (await h.raw(`${DS}/pb-ds`)).json<any>();
        const changed = { ...stored, metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, via: 'protobuf' } } };
        updated = await h.raw(`${DS}/pb-ds`, { method: 'PUT', body: encodeObject(changed)!, contentType: PB });
        if (updated.status !== 409) break;
      }
      expect(updated.status).toBe(200);
      expect(updated.json<any>().metadata.labels.via).toBe('protobuf');

      const options = encodeObject({ apiVersion: 'apps/v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan' })!;
      const deleted = await h.raw(`${DS}/pb-ds`, { method: 'DELETE', body: options, contentType: PB });
      expect(deleted.status).toBe(200);
      expect((await h.raw(`${DS}/pb-ds`)).status).toBe(404);
    });

    it('a Go client on upstream’s own codecs (apimachinery protobuf serializer and watch framing) reads and writes', async () => {
      const binary = await goClient();
      const ca = join(h.dir, 'ca.crt');
      writeFileSync(ca, h.embedded.api!.caCert);
      const { stdout } = await promisify(execFile)(binary, [h.url, h.tokens.admin, ca], { timeout: 60_000 });
      const out = JSON.parse(stdout);
      const json = (await h.raw(`${DS}/nginx-ds`)).json<any>();
      expect(out.get).toEqual({
        code: 200, contentType: PB, name: 'nginx-ds', uid: json.metadata.uid, image: json.spec.template.spec.containers[0].image,
        maxUnavailable: String(json.spec.updateStrategy.rollingUpdate.maxUnavailable), created: json.metadata.creationTimestamp, numberAvailable: 2,
      });
      const pods = (await h.raw(`/api/v1/namespaces/default/pods?resourceVersion=${out.list.resourceVersion}&resourceVersionMatch=Exact`)).json<any>();
      expect(out.list.pods.sort()).toEqual(pods.items.map((p: any) => p.metadata.name).sort());
      expect(out.list.pods.filter((n: string) => n.startsWith('nginx-ds-'))).toHaveLength(2);
      expect(out.missing).toEqual({ code: 404, reason: 'NotFound', message: 'daemonsets.apps "nope" not found' });
      expect(out.create).toEqual({ code: 201, name: 'go-ds', generation: 1, maxUnavailable: '50%', hostPath: '/var/log', probePort: '9100', hostPort: 9100, revisionHistoryLimit: 10 });
      expect(out.watch.contentType).toBe(`${PB};stream=watch`);
      expect(out.watch.events).toEqual(expect.arrayContaining(['ADDED nginx-ds', 'ADDED go-ds']));
      expect(out.delete).toBe(200);
    }, 16 * 60_000);
  });
});

/** Opens a protobuf watch and collects the first `n` frames (4-byte big-endian length, then a WatchEvent). */
const watchFrames = (h: ApiHarness, path: string, n: number): Promise<{ contentType: string; frames: Buffer[] }> =>
  new Promise((resolve, reject) => {
    const req = request(`${h.url}${path}`, { ca: h.embedded.api!.caCert, agent: false, headers: { Authorization: `Bearer ${h.tokens.admin}`, Accept: CLIENT_GO_ACCEPT } }, (res) => {
      let buffer = Buffer.alloc(0);
      const frames: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        buffer = Buffer.concat([buffer, c]);
        while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32BE(0)) {
          const len = buffer.readUInt32BE(0);
          frames.push(buffer.subarray(4, 4 + len));
          buffer = buffer.subarray(4 + len);
        }
        if (frames.length >= n) {
          req.destroy();
          resolve({ contentType: String(res.headers['content-type']), frames });
        }
      });
      res.on('end', () => reject(new Error(`watch ended after ${frames.length} frames`)));
    });
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end();
  });
