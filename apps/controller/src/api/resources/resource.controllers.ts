import { Controller, Delete, Get, Inject, Patch, Post, Put, Req, Res, type Type } from '@nestjs/common';
import type { Response } from '../http/express-types';
import { DomainError } from '@daemonledger/domain';
import type { ApiRequest } from '../http/respond';
import { WatchService } from '../watch/watch.service';
import { CONTROLLER_REVISIONS_RESOURCE } from './controller-revisions.resource';
import { DAEMON_SETS } from './daemon-sets.resource';
import { STORED_KINDS } from '@daemonledger/domain';
import { ENDPOINT_SLICES_RESOURCE, ENDPOINTS_RESOURCE, EVENTS_RESOURCE, REPLICASETS_RESOURCE } from './derived.resources';
import { type Query, parseListOptions } from './list-options';
import { NODES_RESOURCE } from './nodes.resource';
import { PODS_RESOURCE } from './pods.resource';
import { ResourceRegistry } from './registry.service';
import type { ResourceDef } from './resource-def';
import { ResourceReads } from './resource-reads.service';
import { ResourceWrites } from './resource-writes.service';
import { RolloutAuditController } from './rollout-audit.controller';
import { ROLLOUTS_RESOURCE } from './rollouts.resource';

interface Shape {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

const param = (req: ApiRequest, name: string): string => String((req.params as Record<string, string>)[name] ?? '');

/**
 * One Nest controller per resource family, all alike: the collection
 * (`…/namespaces/:namespace/<resource>` and the all-namespaces `…/<resource>`),
 * the object, its `status`, and the `/watch/` forms. Every route hands the
 * request to the generic read / write / watch services with the family's
 * ResourceDef (looked up in the registry, so the namespace one carries its
 * creation time).
 */
export const resourceController = (shape: Shape): Type<unknown> => {
  const prefix = shape.group ? `apis/${shape.group}/${shape.version}` : `api/${shape.version}`;
  const r = shape.resource;
  const collection = shape.namespaced ? `namespaces/:namespace/${r}` : r;
  const lists = shape.namespaced ? [collection, r] : [r];
  const item = `${collection}/:name`;

  @Controller(prefix)
  class ResourceController {
    constructor(
      @Inject(ResourceRegistry) private readonly registry: ResourceRegistry,
      @Inject(ResourceReads) private readonly reads: ResourceReads,
      @Inject(ResourceWrites) private readonly writes: ResourceWrites,
      @Inject(WatchService) private readonly watches: WatchService,
    ) {}

    private get def(): ResourceDef {
      return this.registry.get(shape.group, r)!;
    }

    private namespace(req: ApiRequest): string | undefined {
      return shape.namespaced ? (param(req, 'namespace') || undefined) : undefined;
    }

    @Get([...lists, ...lists.map((p) => `watch/${p}`)])
    async list(@Req() req: ApiRequest, @Res() res: Response) {
      const def = this.def;
      const options = parseListOptions(req.query as Query, def, req.path.includes('/watch/'));
      const target = { def, namespace: this.namespace(req), query: req.query as Query, accept: req.headers.accept };
      if (options.watch) return this.watches.serve({ ...target, options, includeObject: req.query.includeObject as string | undefined }, req, res);
      return this.reads.list(target, options, res);
    }

    @Get([item, `watch/${item}`])
    async get(@Req() req: ApiRequest, @Res() res: Response) {
      const def = this.def;
      const target = { def, namespace: this.namespace(req) ?? '', query: req.query as Query, accept: req.headers.accept };
      const options = parseListOptions(req.query as Query, def, req.path.includes('/watch/'));
      if (options.watch) {
        // A watch on one object is a watch on the collection narrowed by name.
        options.fieldSelector = [...options.fieldSelector, { field: 'metadata.name', operator: '=', value: param(req, 'name') }];
        return this.watches.serve({ ...target, options, includeObject: req.query.includeObject as string | undefined }, req, res);
      }
      return this.reads.get(target, param(req, 'name'), res);
    }

    @Get(`${item}/status`)
    getStatus(@Req() req: ApiRequest, @Res() res: Response) {
      return this.reads.get({ def: this.withStatus(), namespace: this.namespace(req) ?? '', query: req.query as Query, accept: req.headers.accept }, param(req, 'name'), res);
    }

    @Post(collection)
    create(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.create({ def: this.def, namespace: this.namespace(req) ?? '' }, req, res);
    }

    @Put(item)
    update(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.update({ def: this.def, namespace: this.namespace(req) ?? '', name: param(req, 'name') }, req, res);
    }

    @Put(`${item}/status`)
    updateStatus(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.update({ def: this.withStatus(), namespace: this.namespace(req) ?? '', name: param(req, 'name'), status: true }, req, res);
    }

    @Patch(item)
    patch(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.patch({ def: this.def, namespace: this.namespace(req) ?? '', name: param(req, 'name') }, req, res);
    }

    @Patch(`${item}/status`)
    patchStatus(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.patch({ def: this.withStatus(), namespace: this.namespace(req) ?? '', name: param(req, 'name'), status: true }, req, res);
    }

    @Delete(item)
    delete(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.delete({ def: this.def, namespace: this.namespace(req) ?? '', name: param(req, 'name') }, req, res);
    }

    @Delete(collection)
    deleteCollection(@Req() req: ApiRequest, @Res() res: Response) {
      return this.writes.deleteCollection({ def: this.def, namespace: this.namespace(req) ?? '' }, req, res);
    }

    /** Resources without a status subresource answer its paths with 404, like an unknown path. */
    private withStatus(): ResourceDef {
      const def = this.def;
      if (!def.hasStatus) throw new DomainError('NotFound', 'the server could not find the requested resource');
      return def;
    }
  }
  Object.defineProperty(ResourceController, 'name', { value: `${r[0].toUpperCase()}${r.slice(1)}Controller` });
  return ResourceController;
};

export const DaemonSetsController = resourceController(DAEMON_SETS);
export const ControllerRevisionsController = resourceController(CONTROLLER_REVISIONS_RESOURCE);
export const ReplicaSetsController = resourceController(REPLICASETS_RESOURCE);
export const PodsController = resourceController(PODS_RESOURCE);
export const NodesController = resourceController(NODES_RESOURCE);
/** One controller per stored kind (namespaces, serviceaccounts, configmaps, secrets, services, RBAC). */
export const STORED_CONTROLLERS = STORED_KINDS.map((k) => resourceController(k));
export const EventsController = resourceController(EVENTS_RESOURCE);
export const RolloutsController = resourceController(ROLLOUTS_RESOURCE);
export const EndpointsController = resourceController(ENDPOINTS_RESOURCE);
export const EndpointSlicesController = resourceController(ENDPOINT_SLICES_RESOURCE);

export const RESOURCE_CONTROLLERS = [
  DaemonSetsController,
  ControllerRevisionsController,
  ReplicaSetsController,
  PodsController,
  NodesController,
  ...STORED_CONTROLLERS,
  EventsController,
  EndpointsController,
  EndpointSlicesController,
  RolloutsController,
  RolloutAuditController,
];
