import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Response } from '../http/express-types';
import { DomainError, forbiddenError, unauthorizedError } from '@daemonledger/domain';
import { type ApiRequest, type ApiUser, sendError } from '../http/respond';
import { READ_VERBS, requestInfo } from '../http/request-info';
import { type Tokens, USERS } from './credentials';
import { SELF_REVIEW_PATHS } from './self-reviews.controller';

/** Paths anyone may read, as kube-apiserver's system:public-info-viewer allows them (the kubectl dispatcher asks /version first). */
const PUBLIC = [/^\/version\/?$/, /^\/healthz(\/.*)?$/, /^\/livez(\/.*)?$/, /^\/readyz(\/.*)?$/];

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const authenticate = (header: string | undefined, tokens: Tokens): ApiUser | undefined => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  if (sameToken(m[1], tokens.admin)) return USERS.admin;
  if (sameToken(m[1], tokens.viewer)) return USERS.viewer;
  return undefined;
};

/**
 * Bearer-token authentication, then authorization: the admin may do
 * anything, the viewer only get/list/watch. No or a wrong token → 401
 * `Unauthorized`; a viewer's write → 403 with upstream's RBAC text.
 */
export const authMiddleware = (tokens: () => Tokens) => (req: ApiRequest, res: Response, next: NextFunction): void => {
  const path = req.path;
  const user = authenticate(req.headers.authorization, tokens());
  if (!user) {
    if (PUBLIC.some((p) => p.test(path)) && !req.headers.authorization) return next();
    return sendError(res, unauthorizedError());
  }
  req.user = user;
  if (user.role === 'admin') return next();
  // Asking what one may do, or who one is, is every token's right (upstream's system:basic-user).
  if (req.method === 'POST' && SELF_REVIEW_PATHS.has(path)) return next();
  const info = requestInfo(req.method ?? 'GET', path, req.query);
  if (READ_VERBS.has(info.verb)) return next();
  if (!info.isResourceRequest) {
    return sendError(res, new DomainError('Forbidden', `forbidden: User "${user.name}" cannot ${info.verb} path "${path}"`));
  }
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  const reason = `User "${user.name}" cannot ${info.verb} resource "${resource}" in API group "${info.group}" ${scope}`;
  sendError(res, forbiddenError({ resource: info.resource, group: info.group }, info.name, reason));
};
