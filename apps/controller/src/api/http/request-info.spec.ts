import { requestInfo } from './request-info';

describe('requestInfo (as kube-apiserver reads a path)', () => {
  it.each([
    ['GET', '/apis/apps/v1/namespaces/default/daemonsets', {}, { verb: 'list', group: 'apps', resource: 'daemonsets', namespace: 'default', name: '' }],
    ['GET', '/apis/apps/v1/namespaces/default/daemonsets', { watch: 'true' }, { verb: 'watch', resource: 'daemonsets' }],
    ['GET', '/apis/apps/v1/watch/namespaces/default/daemonsets', {}, { verb: 'watch', namespace: 'default' }],
    ['PATCH', '/apis/apps/v1/namespaces/default/daemonsets/nginx-ds', {}, { verb: 'patch', name: 'nginx-ds' }],
    ['PUT', '/apis/apps/v1/namespaces/default/daemonsets/nginx-ds/status', {}, { verb: 'update', subresource: 'status' }],
    ['DELETE', '/api/v1/namespaces/default/pods', {}, { verb: 'deletecollection', group: '', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/kube-system', {}, { verb: 'get', resource: 'namespaces', name: 'kube-system', namespace: 'kube-system' }],
    ['GET', '/api/v1/namespaces', {}, { verb: 'list', resource: 'namespaces', namespace: '' }],
    ['POST', '/api/v1/nodes', {}, { verb: 'create', resource: 'nodes', namespace: '' }],
    ['GET', '/api/v1/pods', {}, { verb: 'list', resource: 'pods', namespace: '' }],
  ])('%s %s %j', (method, path, query, expected) => {
    expect(requestInfo(method, path, query)).toMatchObject({ isResourceRequest: true, ...expected });
  });

  it.each(['/api', '/apis', '/api/v1', '/apis/apps/v1', '/version', '/openapi/v3/apis/apps/v1', '/healthz'])('%s is not a resource request', (path) => {
    expect(requestInfo('GET', path).isResourceRequest).toBe(false);
  });
});
