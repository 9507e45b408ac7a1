import { join } from 'node:path';
import { ImageRegistry, parseImage } from './image-registry';

const catalog = join(__dirname, '../../../infra/registry/catalog.yaml');

describe('simulated image registry', () => {
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

  it('pulls a catalogued tag and refuses an unknown tag of a catalogued repository (the nginx:1.91 typo)', () => {
    const registry = ImageRegistry.fromFile(catalog);
    expect(registry.pull('nginx:1.9.1').ok).toBe(true);
    const typo = registry.pull('nginx:1.91');
    expect(typo).toMatchObject({ ok: false, reason: 'ErrImagePull' });
    expect(!typo.ok && typo.message).toContain('docker.io/library/nginx:1.91: not found');
  });

  it('pulls images of repositories it does not know, unless strict', () => {
    expect(ImageRegistry.fromFile(catalog).pull('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9').ok).toBe(true);
    expect(ImageRegistry.fromFile(catalog, true).pull('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9').ok).toBe(false);
  });
});
