import { Injectable } from '@nestjs/common';
import { DomainError, rollbackRequest, type RollbackRequest } from '@daemonledger/domain';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { CHANGE_CAUSE_ANNOTATION } from '@daemonledger/domain/cluster/daemon-set.decider';
import type { ApiRequest } from './http/respond';
import type { Response } from './http/express-types';
import { ClusterAccess } from './resources/cluster-access.service';
import { ResourceRegistry } from './resources/registry.service';
import type { KubeObject } from './resources/resource-def';
import { ResourceWrites, type WriteTarget } from './resources/resource-writes.service';

/** A resource as a request names it: group ('' for core) and plural. */
export interface ResourceName {
  group: string;
  resource: string;
}

export const DAEMONSETS_API: ResourceName = { group: 'apps', resource: 'daemonsets' };
export const NODES_API: ResourceName = { group: '', resource: 'nodes' };
export const PODS_API: ResourceName = { group: '', resource: 'pods' };

export interface LocalRequestOptions {
  /** Who asks (the API's `user:<name>` actor). */
  user?: string;
  /** Query parameters: fieldManager, force, dryRun, fieldValidation, … */
  query?: Record<string, string>;
  contentType?: string;
  /** A client's User-Agent (the default field manager). */
  userAgent?: string;
}

/** The content type of a JSON merge patch (what `kubectl label`, `taint` and `cordon` amount to). */
export const MERGE_PATCH = { contentType: 'application/merge-patch+json' } as const;

/**
 * The API's write path for callers inside this process (the demo, the
 * benchmarks, the in-process tests): the very `ResourceWrites` an HTTP
 * request goes through — decoding, name/namespace/precondition checks,
 * admission, one command — without the socket. There is no other way in:
 * nothing in the app sends a user's change to the bus but the API.
 * Answers are the objects the API would send; a refusal throws the
 * DomainError the API would send as a Status.
 */
@Injectable()
export class LocalApi {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly writes: ResourceWrites,
    private readonly cluster: ClusterAccess,
  ) {}

  create<T extends KubeObject>(r: ResourceName, namespace: string, body: object, o: LocalRequestOptions = {}): Promise<T> {
    return this.call((req, res) => this.writes.create(this.target(r, namespace), req, res), JSON.stringify(body), o);
  }

  update<T extends KubeObject>(r: ResourceName, namespace: string, name: string, body: object, o: LocalRequestOptions = {}): Promise<T> {
    return this.call((req, res) => this.writes.update({ ...this.target(r, namespace), name }, req, res), JSON.stringify(body), o);
  }

  /** `contentType` is the patch type (strategic merge when not given). */
  patch<T extends KubeObject>(r: ResourceName, namespace: string, name: string, body: string | object, o: LocalRequestOptions = {}): Promise<T> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return this.call((req, res) => this.writes.patch({ ...this.target(r, namespace), name }, req, res), text, { contentType: 'application/strategic-merge-patch+json', ...o });
  }

  delete(r: ResourceName, namespace: string, name: string, body: object = {}, o: LocalRequestOptions = {}): Promise<unknown> {
    return this.call((req, res) => this.writes.delete({ ...this.target(r, namespace), name }, req, res), JSON.stringify(body), o);
  }

  /**
   * `kubectl set image daemonset/<name> <container>=<image>…` (`*` for every
   * container): the strategic merge patch kubectl sends, with the
   * change-cause annotation when given (`--record`).
   */
  setImage(namespace: string, name: string, images: Record<string, string>, o: LocalRequestOptions & { changeCause?: string } = {}): Promise<DaemonSet> {
    const ds = this.cluster.view.daemonSet(namespace, name);
    if (!ds) throw new DomainError('NotFound', `daemonsets.apps "${name}" not found`, { name, group: 'apps', kind: 'daemonsets' });
    const containers = ds.spec.template.spec.containers;
    const unknown = Object.keys(images).find((c) => c !== '*' && !containers.some((x) => x.name === c));
    if (unknown) throw new DomainError('NotFound', `unable to find container named "${unknown}"`);
    const patch = {
      ...(o.changeCause ? { metadata: { annotations: { [CHANGE_CAUSE_ANNOTATION]: o.changeCause } } } : {}),
      spec: { template: { spec: { containers: containers.filter((c) => images[c.name] ?? images['*']).map((c) => ({ name: c.name, image: images[c.name] ?? images['*'] })) } } },
    };
    return this.patch<DaemonSet>(DAEMONSETS_API, namespace, name, patch, { userAgent: 'kubectl-set', query: { fieldManager: 'kubectl-set' }, ...o });
  }

  /** `kubectl rollout undo daemonset/<name> [--to-revision=N]`: the revision chosen as kubectl chooses it, sent as its patch. */
  async rolloutUndo(namespace: string, name: string, toRevision = 0, o: LocalRequestOptions = {}): Promise<RollbackRequest> {
    const ds = this.cluster.view.daemonSet(namespace, name);
    if (!ds) throw new DomainError('NotFound', `daemonsets.apps "${name}" not found`, { name, group: 'apps', kind: 'daemonsets' });
    const request = rollbackRequest(ds, this.cluster.view.revisionsIn(namespace), toRevision);
    if (!request.skipped) {
      await this.patch(DAEMONSETS_API, namespace, name, request.patch, { contentType: request.contentType, userAgent: 'kubectl-rollout', query: { fieldManager: 'kubectl-rollout' }, ...o });
    }
    return request;
  }

  private target(r: ResourceName, namespace: string): WriteTarget {
    const def = this.registry.get(r.group, r.resource);
    if (!def) throw new DomainError('NotFound', 'the server could not find the requested resource');
    return { def, namespace: def.namespaced ? namespace : '' };
  }

  /** Runs one write on a request and response of its own; resolves with the body the API answered. */
  private async call<T>(write: (req: ApiRequest, res: Response) => Promise<void>, body: string, o: LocalRequestOptions): Promise<T> {
    const req = {
      rawBody: body,
      headers: { 'content-type': o.contentType ?? 'application/json', 'user-agent': o.userAgent ?? 'daemonledger' },
      query: o.query ?? {},
      user: { name: o.user ?? 'local', role: 'admin' },
    } as unknown as ApiRequest;
    let text = '';
    const res = {
      statusCode: 200,
      headersSent: false,
      setHeader: () => res,
      append: () => res,
      end: (t?: string) => {
        text = t ?? '';
      },
    } as unknown as Response;
    await write(req, res);
    return JSON.parse(text) as T;
  }
}
