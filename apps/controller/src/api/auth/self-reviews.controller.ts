import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Response } from '../http/express-types';
import { badRequestError } from '@daemonledger/domain';
import { type ApiRequest, type ApiUser, sendJson } from '../http/respond';
import { READ_VERBS } from '../http/request-info';

/** The paths of the self reviews: any authenticated token may create them, the viewer's too. */
export const SELF_REVIEW_PATHS = new Set([
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
  '/apis/authentication.k8s.io/v1/selfsubjectreviews',
]);

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/**
 * The review's spec. Protobuf bodies (kubectl's typed clients send them)
 * arrive here as the JSON of their object (see the body middleware).
 */
const specOf = (req: ApiRequest): Record<string, any> => {
  try {
    const parsed = JSON.parse(req.rawBody || '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return (parsed.spec ?? {}) as Record<string, any>;
  } catch {
    // fall through
  }
  throw badRequestError('the body of a review must be a JSON object');
};

/** The authorizer both review kinds ask: the admin may do anything, the viewer get, list and watch (and GET non-resource paths). */
const allowed = (user: ApiUser, verb: string | undefined): boolean => user.role === 'admin' || READ_VERBS.has(verb ?? '');

const GROUPS: Record<ApiUser['role'], string[]> = { admin: ['system:masters', 'system:authenticated'], viewer: ['daemonledger:viewers', 'system:authenticated'] };

/**
 * `kubectl auth can-i` (SelfSubjectAccessReview, and SelfSubjectRulesReview
 * for `--list`) and `kubectl auth whoami` (SelfSubjectReview), answered from
 * the two tokens' roles, so a user can ask what a kubeconfig may do before
 * it is refused.
 */
@Controller()
export class SelfReviewsController {
  @Post('apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
  access(@Req() req: ApiRequest, @Res() res: Response) {
    const spec = specOf(req) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } };
    const verb = spec.resourceAttributes?.verb ?? spec.nonResourceAttributes?.verb;
    const user = req.user!;
    const yes = allowed(user, verb);
    const reason = yes ? (user.role === 'admin' ? 'the admin token may do anything' : `the read-only token may ${verb}`) : '';
    sendJson(res, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed: yes, ...(reason ? { reason } : {}) },
    });
  }

  @Post('apis/authorization.k8s.io/v1/selfsubjectrulesreviews')
  rules(@Req() req: ApiRequest, @Res() res: Response) {
    const spec = specOf(req);
    const admin = req.user!.role === 'admin';
    sendJson(res, 201, {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: {
        resourceRules: [
          { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
          { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
          { verbs: admin ? ['*'] : ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] },
        ],
        nonResourceRules: [{ verbs: admin ? ['*'] : ['get'], nonResourceURLs: ['*'] }],
        incomplete: false,
      },
    });
  }

  @Post('apis/authentication.k8s.io/v1/selfsubjectreviews')
  whoami(@Req() req: ApiRequest, @Res() res: Response) {
    specOf(req);
    const user = req.user!;
    sendJson(res, 201, {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: user.name, groups: GROUPS[user.role] } },
    });
  }
}
