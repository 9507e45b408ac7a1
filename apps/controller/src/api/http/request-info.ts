/**
 * What a request asks for, as kube-apiserver's RequestInfoFactory reads a
 * path: `/api/v1/namespaces/default/pods/x/status` → verb get, group '',
 * resource pods, subresource status, namespace default, name x. Authorization
 * and its messages are built from it. Pure.
 */
export interface ResourceRequestInfo {
  isResourceRequest: true;
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', GET: 'get', HEAD: 'get' };

export const requestInfo = (method: string, path: string, query: Record<string, unknown> = {}): RequestInfo => {
  const segs = path.split('/').filter(Boolean);
  const nonResource: NonResourceRequestInfo = { isResourceRequest: false, verb: (method || 'GET').toLowerCase(), path };
  let rest: string[];
  let group = '';
  let version: string;
  if (segs[0] === 'api' && segs.length >= 3) {
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return nonResource;

  let verb = VERBS[method.toUpperCase()] ?? method.toLowerCase();
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = rest;
  if (!name) {
    if (verb === 'get') verb = 'list';
    if (verb === 'delete') verb = 'deletecollection';
  }
  const q = query.watch;
  if (watch || ((verb === 'list' || verb === 'get') && (q === 'true' || q === '1'))) verb = 'watch';
  return { isResourceRequest: true, verb, group, version, resource, subresource, namespace, name };
};

/** Verbs a read-only user may use. */
export const READ_VERBS = new Set(['get', 'list', 'watch']);
