import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * Property-based fuzzing of every write endpoint the server announces in
 * discovery (so kinds added later are fuzzed too): POST and DELETE on
 * collections, PUT, PATCH and DELETE on objects and their subresources, with
 * generated and mutated bodies — wrong types, missing and unknown fields,
 * huge strings and arrays, deep nesting, invalid UTF-8, truncated JSON and
 * YAML, garbage and truncated protobuf, every patch type with bad operations,
 * wrong content types, oversize bodies.
 *
 * The properties, for every answer: it arrives (no dropped connection); it is
 * never a 5xx; a 4xx is a meta/v1 `Status` with a reason and its own code; a
 * refused request appends nothing to the log (no event of a user's command
 * appears while only refusals were answered); a 2xx for a body that happened
 * to be valid round-trips (a GET answers the object written). Afterwards the
 * server still serves.
 *
 * Reproducible: FUZZ_SEED (printed; fixed by default) and FUZZ_RUNS (10,000
 * by default) choose the cases; FUZZ_CONCURRENCY requests run at once over
 * keep-alive connections (8 by default).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const MAX_BODY = 3 * 1024 * 1024;

jest.setTimeout(900_000);

interface Endpoint {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `apps/v1 daemonsets`. */
  resource: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Collection (POST, DELETE collection) or an object (with an optional subresource). */
  scope: 'collection' | 'object';
  subresource?: string;
  /** Discovery lists the verb for it (the others must be refused, and are fuzzed less). */
  allowed: boolean;
}

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

type BodySpec =
  | { type: 'json'; value: unknown }
  | { type: 'mutated'; mutations: Mutation[]; extra?: Record<string, unknown> }
  | { type: 'truncated'; value: unknown; at: number }
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'invalid-utf8'; value: unknown; at: number }
  | { type: 'protobuf'; bytes: Uint8Array; truncateAt?: number }
  | { type: 'yaml'; value: unknown }
  | { type: 'yaml-bomb' }
  | { type: 'deep'; depth: number; array: boolean }
  | { type: 'json-patch'; ops: unknown[] }
  | { type: 'oversize'; json: boolean }
  | { type: 'empty' };

type Mutation = { op: 'set'; walk: number[]; value: unknown } | { op: 'delete'; walk: number[] };

interface Case {
  endpoint: number;
  existing: boolean;
  body: BodySpec;
  contentType: string | undefined;
  query: string[];
}

// ---- arbitraries ----------------------------------------------------------------

/**
 * Huge and deep values stay small descriptors until a body is written (see
 * `materialize`), so ten thousand generated cases do not hold gigabytes.
 */
type Big = { __big: 'string'; ch: string; n: number } | { __big: 'array'; item: unknown; n: number } | { __big: 'nested'; depth: number; array: boolean };

const huge: fc.Arbitrary<Big> = fc.oneof(
  fc.record({ __big: fc.constant('string' as const), ch: fc.constantFrom('a', 'é', '\u0000', '"', '\\', '😀'), n: fc.integer({ min: 10_000, max: 1_000_000 }) }),
  fc.record({ __big: fc.constant('array' as const), item: fc.jsonValue({ maxDepth: 1 }), n: fc.integer({ min: 1_000, max: 100_000 }) }),
);

const nested = (depth: number, array: boolean): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
};

const isBig = (v: unknown): v is Big => typeof v === 'object' && v !== null && '__big' in v;

/** JSON text of a value, with its Big descriptors written out in full. */
const materialize = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => {
    if (!isBig(x)) return x;
    if (x.__big === 'string') return x.ch.repeat(x.n);
    if (x.__big === 'array') return Array.from({ length: x.n }, () => x.item);
    return nested(x.depth, x.array);
  }) ?? 'null';

/** Values that do not belong where they are put: other types, nulls, huge and deep ones, directives. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom(null, true, -1, 1.5, 2 ** 63, '', '-', 'not-a-quantity', 'nginx: :bad', {}, [], [null], { $patch: 'delete' }, { $retainKeys: 7 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.record({ __big: fc.constant('nested' as const), depth: fc.integer({ min: 50, max: 2_000 }), array: fc.boolean() }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), walk: fc.array(fc.nat(), { maxLength: 7 }), value: weird }),
  fc.record({ op: fc.constant('delete' as const), walk: fc.array(fc.nat(), { minLength: 1, maxLength: 7 }) }),
);

const pointer = fc.oneof(
  fc.constantFrom('/metadata/labels/x', '/metadata/name', '/metadata/resourceVersion', '/metadata/uid', '/spec', '/spec/template/spec/containers/0/image',
    '/spec/template/spec/containers/-', '/spec/template/spec/containers/99', '/status', '/status/conditions/0', '/', '', '/a~2b', '/metadata/labels/~1x', '/metadata/annotations', '/kind', '/apiVersion'),
  fc.string({ maxLength: 20 }),
);

const jsonPatchOp = fc.record(
  {
    op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', '', 'ADD'),
    path: fc.oneof(pointer, fc.jsonValue({ maxDepth: 1 })),
    value: weird,
    from: pointer,
  },
  { requiredKeys: ['op'] },
);

const smpDirectives = fc.record(
  {
    metadata: fc.record({ labels: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string(), fc.constant(null))), weird), $patch: fc.constantFrom('replace', 'delete', 'merge', 'bogus') }, { requiredKeys: [] }),
    spec: fc.record(
      {
        template: fc.record({
          spec: fc.record(
            {
              containers: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('nginx', 'fluentd-elasticsearch', 'x'), weird), image: weird, $patch: fc.constantFrom('delete', 'replace', 'bogus') }, { requiredKeys: [] }), { maxLength: 3 }),
              '$setElementOrder/containers': weird,
              '$deleteFromPrimitiveList/args': weird,
              $retainKeys: weird,
            },
            { requiredKeys: [] },
          ),
        }),
        updateStrategy: weird,
      },
      { requiredKeys: [] },
    ),
    $patch: fc.constantFrom('replace', 'delete', 'merge', 'bogus'),
  },
  { requiredKeys: [] },
);

const bodySpec: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ type: fc.constant('mutated' as const), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }), extra: fc.option(fc.dictionary(fc.string({ maxLength: 12 }), weird, { maxKeys: 3 }), { nil: undefined }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('json' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 4 }), smpDirectives) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('truncated' as const), value: fc.jsonValue({ maxDepth: 4 }), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('invalid-utf8' as const), value: smpDirectives, at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('protobuf' as const), bytes: fc.uint8Array({ maxLength: 300 }), truncateAt: fc.option(fc.nat(), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('yaml' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), smpDirectives) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'yaml-bomb' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('deep' as const), depth: fc.integer({ min: 100, max: 100_000 }), array: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('json-patch' as const), ops: fc.array(fc.oneof(jsonPatchOp, weird), { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'empty' as const }) },
);

/** Oversize bodies are costly (3 MiB each): about one case in 400. */
const bodyOrOversize: fc.Arbitrary<BodySpec> = fc.oneof({ weight: 399, arbitrary: bodySpec }, { weight: 1, arbitrary: fc.record({ type: fc.constant('oversize' as const), json: fc.boolean() }) });

const CONTENT_TYPES = [
  'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json-patch+json', 'application/merge-patch+json',
  'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/x-www-form-urlencoded', 'garbage/;;;=',
  'application/json; charset=latin1', 'APPLICATION/MERGE-PATCH+JSON', 'multipart/form-data; boundary=x',
];

const QUERY = [
  'dryRun=All', 'dryRun=bogus', 'fieldValidation=Strict', 'fieldValidation=Ignore', 'fieldValidation=bogus', 'fieldManager=fuzzer', `fieldManager=${'m'.repeat(200)}`,
  'force=true', 'force=maybe', 'propagationPolicy=Orphan', 'propagationPolicy=Sideways', 'gracePeriodSeconds=-5', 'gracePeriodSeconds=abc', 'orphanDependents=true',
  'labelSelector=a%3D%3D%3D', 'fieldSelector=metadata.name%3Dx', 'resourceVersion=1', 'pretty=true',
];

/** Endpoints discovery says take the verb get four times the cases of those that must refuse it. */
const caseArb = (endpoints: Endpoint[]): fc.Arbitrary<Case> => {
  const all = endpoints.map((_, i) => i);
  const allowed = all.filter((i) => endpoints[i].allowed);
  return fc.record({
    endpoint: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: fc.constantFrom(...all) }),
    existing: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    body: bodyOrOversize,
    contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined, freq: 10 }),
    query: fc.subarray(QUERY, { maxLength: 3 }),
  });
};

// ---- bodies ---------------------------------------------------------------------

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Follows `walk` (indices modulo the keys at each level) into `obj` and applies the mutation there. */
const mutate = (obj: Record<string, unknown>, m: Mutation): void => {
  let node: any = obj;
  const walk = m.walk.length ? m.walk : [0];
  for (let i = 0; i < walk.length; i++) {
    const keys = Array.isArray(node) ? node.map((_: unknown, k: number) => k) : Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[walk[i] % keys.length];
    const last = i === walk.length - 1 || node[key] === null || typeof node[key] !== 'object';
    if (last) {
      if (m.op === 'delete') {
        if (Array.isArray(node)) node.splice(key as number, 1);
        else delete node[key];
      } else node[key] = m.value;
      return;
    }
    node = node[key];
  }
  if (m.op === 'set' && node && typeof node === 'object' && !Array.isArray(node)) node[`unknownField${walk.length}`] = m.value;
};

const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const encode = (spec: BodySpec, template: Record<string, unknown>): Buffer => {
  switch (spec.type) {
    case 'json':
      return Buffer.from(materialize(spec.value));
    case 'mutated': {
      const obj = clone(template);
      for (const m of spec.mutations) mutate(obj, m);
      return Buffer.from(materialize({ ...obj, ...spec.extra }));
    }
    case 'truncated': {
      const text = materialize({ apiVersion: template.apiVersion, kind: template.kind, metadata: template.metadata, value: spec.value });
      return Buffer.from(text.slice(0, spec.at % Math.max(1, text.length)));
    }
    case 'bytes':
      return Buffer.from(spec.bytes);
    case 'invalid-utf8': {
      const text = Buffer.from(materialize({ ...template, ...(spec.value as object) }));
      const at = spec.at % Math.max(1, text.length);
      return Buffer.concat([text.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), text.subarray(at)]);
    }
    case 'protobuf': {
      const whole = Buffer.concat([PROTOBUF_MAGIC, Buffer.from(spec.bytes)]);
      return spec.truncateAt === undefined ? whole : whole.subarray(0, spec.truncateAt % (whole.length + 1));
    }
    case 'yaml':
      return Buffer.from(stringify(JSON.parse(materialize(spec.value))));
    case 'yaml-bomb':
      return Buffer.from(['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n'));
    case 'deep': {
      const [open, close] = spec.array ? ['[', ']'] : ['{"a":', '}'];
      return Buffer.from(`${open.repeat(spec.depth)}1${close.repeat(spec.depth)}`);
    }
    case 'json-patch':
      return Buffer.from(materialize(spec.ops));
    case 'oversize':
      return spec.json ? Buffer.from(`{"metadata":{"name":"${'x'.repeat(MAX_BODY)}"}}`) : Buffer.alloc(MAX_BODY + 1, 0x61);
    case 'empty':
      return Buffer.alloc(0);
  }
};

// ---- the test -------------------------------------------------------------------

describe(`fuzzing every write endpoint (FUZZ_SEED=${SEED}, ${RUNS} cases)`, () => {
  let h: ApiHarness;
  let agent: Agent;
  const endpoints: Endpoint[] = [];
  const failures: string[] = [];
  const tally = new Map<string, number>();
  const timing = new Map<string, { n: number; ms: number }>();

  const send = (method: string, path: string, body?: Buffer, contentType?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        `${h.url}${path}`,
        {
          method,
          agent,
          headers: {
            Authorization: `Bearer ${h.tokens.admin}`,
            Accept: 'application/json',
            ...(body ? { 'Content-Length': body.length } : {}),
            ...(contentType !== undefined ? { 'Content-Type': contentType } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const getJson = async (path: string): Promise<any> => {
    const a = await send('GET', path);
    return a.status === 200 ? JSON.parse(a.body.toString('utf8')) : undefined;
  };

  const collectionPath = (e: Endpoint, namespace = 'default') =>
    `${e.group ? `/apis/${e.group}/${e.version}` : `/api/${e.version}`}${e.namespaced ? `/namespaces/${namespace}` : ''}/${e.plural}`;

  /** Every resource's first object (by the server's list order), refreshed after accepted writes. */
  const existing = new Map<string, any>();
  const refresh = async () => {
    for (const e of endpoints) {
      if (existing.has(e.resource) && existing.get(e.resource)) continue;
      const list = await getJson(collectionPath(e));
      existing.set(e.resource, list?.items?.find((o: any) => !o.metadata?.deletionTimestamp));
    }
  };

  /** Fixtures a fuzz case may have deleted: the DaemonSet the bodies are modelled on. */
  const restore = async () => {
    if (!(await getJson('/apis/apps/v1/namespaces/default/daemonsets/nginx-ds'))) {
      await send('POST', '/apis/apps/v1/namespaces/default/daemonsets', Buffer.from(JSON.stringify(parse(readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8')))), 'application/json');
      existing.clear();
    }
    await refresh();
  };

  /** User commands in the log since the last call: events whose actor is a user (the controller's own have other actors). */
  let cursor = 0;
  const userEventsSince = async (): Promise<number> => {
    let n = 0;
    for (;;) {
      const events = await h.embedded.store.readAll({ fromPosition: cursor, maxCount: 1000 });
      if (events.length === 0) return n;
      for (const e of events) if (String(e.metadata.actor ?? '').startsWith('user:')) n++;
      cursor = events[events.length - 1].position;
    }
  };

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 0 });
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: h.embedded.api!.caCert });
    process.stdout.write(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} FUZZ_CONCURRENCY=${CONCURRENCY}\n`);

    // Every resource the server announces, from discovery.
    const lists: { gv: string; list: any }[] = [{ gv: 'v1', list: await getJson('/api/v1') }];
    for (const g of (await getJson('/apis')).groups) for (const v of g.versions) lists.push({ gv: v.groupVersion, list: await getJson(`/apis/${v.groupVersion}`) });
    for (const { gv, list } of lists) {
      const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
      for (const r of list.resources as { name: string; namespaced: boolean; verbs: string[] }[]) {
        const [plural, sub] = r.name.split('/');
        const base = { resource: `${gv} ${plural}`, group, version, plural, namespaced: r.namespaced };
        const verbs = new Set(r.verbs);
        if (sub) {
          // A subresource's writes: where it takes them, and (to check the refusals) where it does not.
          endpoints.push({ ...base, method: 'PUT', scope: 'object', subresource: sub, allowed: verbs.has('update') });
          endpoints.push({ ...base, method: 'PATCH', scope: 'object', subresource: sub, allowed: verbs.has('patch') });
          endpoints.push({ ...base, method: 'POST', scope: 'object', subresource: sub, allowed: verbs.has('create') });
          continue;
        }
        endpoints.push({ ...base, method: 'POST', scope: 'collection', allowed: verbs.has('create') });
        endpoints.push({ ...base, method: 'DELETE', scope: 'collection', allowed: verbs.has('deletecollection') });
        endpoints.push({ ...base, method: 'PUT', scope: 'object', allowed: verbs.has('update') });
        endpoints.push({ ...base, method: 'PATCH', scope: 'object', allowed: verbs.has('patch') });
        endpoints.push({ ...base, method: 'DELETE', scope: 'object', allowed: verbs.has('delete') });
      }
    }
    await restore();
    await h.until(async () => (await getJson('/apis/apps/v1/namespaces/default/daemonsets/nginx-ds'))?.status?.numberAvailable === 2, 30_000, 'nginx-ds available');
    await h.embedded.settle();
    await userEventsSince();
  });

  afterAll(async () => {
    agent?.destroy();
    await h?.dispose();
  });

  it('announces write endpoints for every served kind', () => {
    const kinds = new Set(endpoints.map((e) => e.resource));
    expect([...kinds]).toEqual(expect.arrayContaining(['apps/v1 daemonsets', 'v1 pods', 'v1 nodes', 'v1 namespaces', 'apps/v1 controllerrevisions']));
  });

  it('answers every generated request with a 4xx Status or a valid 2xx, never a 5xx, and appends only for accepted writes', async () => {
    const started = performance.now();
    const cases = fc.sample(caseArb(endpoints), { seed: SEED, numRuns: RUNS });

    const run = async (c: Case, index: number): Promise<{ accepted: boolean }> => {
      const e = endpoints[c.endpoint];
      const object = existing.get(e.resource);
      const template: Record<string, unknown> = object ?? { apiVersion: e.group ? `${e.group}/${e.version}` : e.version, kind: 'Unknown', metadata: { name: 'fuzz' } };
      const name = c.existing && object ? object.metadata.name : 'fuzz-missing';
      const namespace = object?.metadata?.namespace ?? 'default';
      const path = `${collectionPath(e, namespace)}${e.scope === 'object' ? `/${encodeURIComponent(name)}${e.subresource ? `/${e.subresource}` : ''}` : ''}${c.query.length ? `?${c.query.join('&')}` : ''}`;
      let body: Buffer;
      try {
        body = encode(c.body, template);
      } catch {
        // Too deep for this process's own JSON/YAML writers: send it as text of the same depth instead.
        body = encode({ type: 'deep', depth: 5_000, array: false }, template);
      }
      const what = `case ${index} (FUZZ_SEED=${SEED}): ${e.method} ${path} ${c.contentType ?? '(no content type)'} ${c.body.type} ${body.length} B`;
      let answer: Answer;
      const t0 = performance.now();
      try {
        answer = await send(e.method, path, body, c.contentType);
        const t = timing.get(c.body.type) ?? { n: 0, ms: 0 };
        timing.set(c.body.type, { n: t.n + 1, ms: t.ms + performance.now() - t0 });
      } catch (err) {
        failures.push(`${what}: no answer (${(err as Error).message})`);
        return { accepted: false };
      }
      const key = `${e.method} ${e.scope}${e.subresource ? `/${e.subresource}` : ''} → ${answer.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      const text = answer.body.toString('utf8');
      if (answer.status >= 500 || answer.status < 200 || (answer.status >= 300 && answer.status < 400)) {
        failures.push(`${what}: ${answer.status} ${text.slice(0, 300)}`);
        return { accepted: false };
      }
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        failures.push(`${what}: ${answer.status} with a body that is not JSON: ${text.slice(0, 200)}`);
        return { accepted: answer.status < 300 };
      }
      if (answer.status >= 400) {
        const ok = json?.kind === 'Status' && json.apiVersion === 'v1' && json.status === 'Failure' && typeof json.reason === 'string' && json.reason !== '' && json.code === answer.status && typeof json.message === 'string';
        if (!ok) failures.push(`${what}: ${answer.status} is not a Status with a reason: ${text.slice(0, 300)}`);
        return { accepted: false };
      }
      // A 2xx: the body happened to be valid. What was written is what the log holds at the position
      // answered (read there, so that the other requests of the batch cannot change the answer).
      const dryRun = c.query.includes('dryRun=All');
      const rv = json?.metadata?.resourceVersion;
      if (!dryRun && e.method !== 'DELETE' && json?.metadata?.name && json.kind !== 'Status' && rv) {
        const at = `fieldSelector=${encodeURIComponent(`metadata.name=${json.metadata.name}`)}&resourceVersion=${rv}&resourceVersionMatch=Exact`;
        const back = (await getJson(`${collectionPath(e, json.metadata.namespace ?? namespace)}?${at}`))?.items?.[0];
        const same = back && back.metadata.uid === json.metadata.uid && JSON.stringify(back.spec) === JSON.stringify(json.spec) &&
          JSON.stringify(back.metadata.labels ?? {}) === JSON.stringify(json.metadata.labels ?? {});
        if (!same) failures.push(`${what}: ${answer.status} but the log at ${rv} holds ${JSON.stringify(back)?.slice(0, 300)} for ${text.slice(0, 300)}`);
        else roundTrips++;
      }
      return { accepted: true };
    };

    let settling = 0;
    let roundTrips = 0;
    for (let i = 0; i < cases.length; i += CONCURRENCY) {
      const batch = cases.slice(i, i + CONCURRENCY);
      const results = await Promise.all(batch.map((c, k) => run(c, i + k)));
      const appended = await userEventsSince();
      if ((i / CONCURRENCY) % 250 === 249) process.stdout.write(`fuzz: ${i + batch.length} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
      if (results.some((r) => r.accepted)) {
        // Let what was accepted take effect (pods, revisions, cascades), then put the fixtures back.
        const s = performance.now();
        batch.forEach((c, k) => results[k].accepted && existing.delete(endpoints[c.endpoint].resource));
        await h.embedded.settle();
        await restore();
        await h.embedded.settle();
        await userEventsSince();
        settling += performance.now() - s;
      } else if (appended > 0) {
        failures.push(`cases ${i}..${i + batch.length - 1} (FUZZ_SEED=${SEED}): every answer was a refusal, yet ${appended} event(s) of a user's command were appended`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `fuzz: ${cases.length} cases over ${endpoints.length} endpoints in ${seconds.toFixed(1)} s, ${(settling / 1000).toFixed(1)} s of it settling after accepted writes; ${roundTrips} accepted writes read back from the log (FUZZ_SEED=${SEED})\n` +
        [...tally.entries()].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n') + '\n' +
        `  answer time by body (count, mean ms at concurrency ${CONCURRENCY}): ${[...timing.entries()].map(([k, t]) => `${k} ${t.n} ${(t.ms / t.n).toFixed(0)}`).join(', ')}\n`,
    );
    // One line per kind of failure (method, status, first words of the answer), with its count and first case.
    const kinds = new Map<string, { n: number; first: string }>();
    for (const f of failures) {
      const key = f.replace(/^case \d+ \(FUZZ_SEED=\d+\): /, '').replace(/\/[^ ]*/, '').replace(/ \d+ B:/, ':').slice(0, 160);
      const k = kinds.get(key) ?? { n: 0, first: f.slice(0, 500) };
      kinds.set(key, { ...k, n: k.n + 1 });
    }
    expect([...kinds.values()].map((k) => `${k.n}× ${k.first}`)).toEqual([]);
  });

  it('still serves afterwards', async () => {
    expect((await send('GET', '/readyz')).status).toBe(200);
    const list = await getJson('/apis/apps/v1/daemonsets');
    expect(list?.kind).toBe('DaemonSetList');
  });
});
