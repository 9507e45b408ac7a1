import { join } from 'node:path';
import { expandTagSets, expandVersions, ImageRegistry, parseImage } from './image-registry';

const catalog = join(__dirname, '../../../infra/registry/catalog.yaml');

describe('simulated image registry', () => {
  const registry = ImageRegistry.fromFile(catalog);

  it.each([
    ['nginx', { repository: 'docker.io/library/nginx', tag: 'latest' }],
    ['nginx:1.9.1', { repository: 'docker.io/library/nginx', tag: '1.9.1' }],
    ['fluent/fluentd:v1.16-1', { repository: 'docker.io/fluent/fluentd', tag: 'v1.16-1' }],
    ['quay.io/fluentd_elasticsearch/fluentd:v2.5.2', { repository: 'quay.io/fluentd_elasticsearch/fluentd', tag: 'v2.5.2' }],
    ['localhost:5000/x/y:1', { repository: 'localhost:5000/x/y', tag: '1' }],
    ['nginx@sha256:abc', { repository: 'docker.io/library/nginx', tag: undefined, digest: 'sha256:abc' }],
  ])('normalises %s', (image, expected) => {
    expect(parseImage(image)).toEqual(expect.objectContaining(expected));
  });

  it('expands version runs and variant tag sets', () => {
    expect(expandVersions('1.9.0..3, 1.9.14, latest')).toEqual(['1.9.0', '1.9.1', '1.9.2', '1.9.3', '1.9.14', 'latest']);
    expect(expandTagSets({ '': '1.2.0..1', alpine: '1.2.1, stable' })).toEqual(['1.2.0', '1.2.1', '1.2.1-alpine', 'stable-alpine']);
    expect(() => expandVersions('1.2.5..3')).toThrow(/bad version run/);
  });

  it.each([
    'nginx:1.20.0', 'nginx:1.23.0', 'nginx:1.7.9', 'nginx:1.9.1', 'nginx:1.10.0', 'nginx:1.25.0', 'nginx:1.27.4', 'nginx',
    'nginx:1.25', 'nginx:1.23.0-alpine', 'nginx:1.21-perl', 'nginx:stable-alpine', 'nginx:mainline', 'nginx:alpine-slim',
    'docker.io/library/nginx:1.14.2', 'busybox:1.36', 'busybox:1.36.1', 'busybox:latest', 'alpine:3.20', 'alpine:3.19.1',
  ])('%s pulls (a tag the official image published)', (image) => {
    expect(registry.pull(image)).toMatchObject({ ok: true });
  });

  it.each(['nginx:1.91', 'nginx:1.8.0', 'nginx:1.13.4', 'nginx:2.0', 'nginx:1.23.0-perlx', 'busybox:1.99', 'alpine:3.99'])(
    '%s does not pull (no such tag): ErrImagePull with the runtime\'s not-found message',
    (image) => {
      const r = registry.pull(image);
      expect(r).toMatchObject({ ok: false, reason: 'ErrImagePull' });
      expect(!r.ok && r.message).toMatch(/: not found$/);
    },
  );

  it('docker.io/library is closed: a repository that is not an official image does not exist, strict or not', () => {
    for (const strict of [false, true]) {
      const r = ImageRegistry.fromFile(catalog, strict).pull('foo:non-existent');
      expect(r).toMatchObject({ ok: false, reason: 'ErrImagePull' });
      expect(!r.ok && r.message).toBe(
        'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/foo:non-existent": failed to resolve reference "docker.io/library/foo:non-existent": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
      );
    }
    expect(registry.pull('docker.io/library/foo@sha256:abc').ok).toBe(false);
  });

  it('official images without a tag set here pull with any tag unless strict (redis, httpd, a deprecated one)', () => {
    for (const image of ['redis:7.2', 'httpd:2.4', 'centos:7']) {
      expect(registry.pull(image).ok).toBe(true);
      expect(ImageRegistry.fromFile(catalog, true).pull(image).ok).toBe(false);
    }
  });

  it('pulls images of repositories it does not know, unless strict', () => {
    expect(registry.pull('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9').ok).toBe(true);
    expect(registry.pull('someuser/agent:v1').ok).toBe(true);
    expect(ImageRegistry.fromFile(catalog, true).pull('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9').ok).toBe(false);
  });

  it('a catalogued repository pulls by digest', () => {
    expect(registry.pull('nginx@sha256:0123').ok).toBe(true);
  });

  it('without an `official` list, docker.io/library is open (a catalog of its own for other tests)', () => {
    expect(new ImageRegistry(new Map()).pull('foo:non-existent').ok).toBe(true);
  });
});
