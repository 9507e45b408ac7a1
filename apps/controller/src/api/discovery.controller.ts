import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from './http/express-types';
import { DomainError } from '@daemonledger/domain';
import { buildInfo } from '../build-info';
import { sendJson, sendText } from './http/respond';
import { OPENAPI_V2_PROTOBUF, openApiV2Document, wantsOpenApiV2Protobuf } from './wire/openapi-v2';
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery, openApiV3Response, openApiV3Root, versionInfo } from './wire';

const notFound = () => new DomainError('NotFound', 'the server could not find the requested resource');

/** Discovery (`/api`, `/apis`, group and group/version documents), `/version` and OpenAPI v2 and v3 (kubectl-wire §0-3). */
@Controller()
export class DiscoveryController {
  @Get('version')
  version(@Res() res: Response) {
    sendJson(res, 200, versionInfo(buildInfo()));
  }

  @Get('api')
  core(@Req() req: Request, @Res() res: Response) {
    this.discovery('core', req, res);
  }

  @Get('apis')
  groups(@Req() req: Request, @Res() res: Response) {
    this.discovery('apis', req, res);
  }

  @Get('api/v1')
  coreV1(@Res() res: Response) {
    sendJson(res, 200, apiResourceList('v1'));
  }

  @Get('apis/:group')
  group(@Param('group') group: string, @Res() res: Response) {
    const found = apiGroupList().groups.find((g) => g.name === group);
    if (!found) throw notFound();
    sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...found });
  }

  @Get('apis/:group/:version')
  groupVersion(@Param('group') group: string, @Param('version') version: string, @Res() res: Response) {
    const list = apiResourceList(`${group}/${version}`);
    if (!list) throw notFound();
    sendJson(res, 200, list);
  }

  /** OpenAPI v2 (wire/openapi-v2.ts): protobuf for client-go, JSON for everyone else; ETag / If-None-Match as kube-openapi. */
  @Get('openapi/v2')
  openApiV2(@Req() req: Request, @Res() res: Response) {
    const doc = openApiV2Document();
    const etag = JSON.stringify(doc.etag);
    const headers = { ETag: etag, Vary: 'Accept' };
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return sendText(res, 304, undefined, '', headers);
    if (wantsOpenApiV2Protobuf(req.headers.accept)) return sendText(res, 200, OPENAPI_V2_PROTOBUF, doc.protobuf, headers);
    sendText(res, 200, 'application/json', doc.json, headers);
  }

  @Get('openapi/v3')
  openApiRoot(@Res() res: Response) {
    sendJson(res, 200, openApiV3Root());
  }

  @Get('openapi/v3/*path')
  openApi(@Req() req: Request, @Res() res: Response) {
    const path = req.path.slice('/openapi/v3/'.length);
    const hash = typeof req.query.hash === 'string' ? req.query.hash : undefined;
    const answer = openApiV3Response(path, { hash, ifNoneMatch: req.headers['if-none-match'], now: new Date() });
    if (answer.status === 404) throw notFound();
    sendText(res, answer.status, undefined, answer.body ?? '', answer.headers);
  }

  private discovery(scope: 'core' | 'apis', req: Request, res: Response) {
    const format = negotiateDiscovery(req.headers.accept);
    res.set('Vary', 'Accept');
    if (format.format === 'aggregated') return sendJson(res, 200, aggregatedDiscovery(scope, format.version), format.contentType);
    if (format.format === 'legacy') return sendJson(res, 200, scope === 'core' ? apiVersions(`${req.hostname}:${req.socket.localPort}`) : apiGroupList());
    const message = 'only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    sendJson(res, 406, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'NotAcceptable', code: 406 });
  }
}
