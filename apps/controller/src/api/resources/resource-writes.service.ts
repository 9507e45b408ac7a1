import { Injectable } from '@nestjs/common';
import type { Response } from '../http/express-types';
import { badRequestError, checkPreconditions, DomainError, invalidError, isDomainError, methodNotAllowedError, notFoundError, required, successStatus } from '@daemonledger/domain';
import { applyPatch, applyWithOwnership, type JsonObject, PATCH_SCHEMAS, patchMediaType, trackUpdate, UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE } from '@daemonledger/domain/api/patch';
import { addWarnings, type ApiRequest, sendJson } from '../http/respond';
import { ClusterAccess } from './cluster-access.service';
import { admitIntoNamespace } from '@daemonledger/domain';
import { namespaceIn } from './stored.resources';
import { matches, parseListOptions, type Query, queryString } from './list-options';
import { apiVersionOf, type KubeObject, type ResourceDef, type WriteContext } from './resource-def';
import { decodeFor, dryRunOf, fieldValidationOf, generatedName, parseDeleteOptions, parseObjectBody } from './write-input';

export interface WriteTarget {
  def: ResourceDef;
  /** Path namespace ('' for cluster-scoped resources). */
  namespace: string;
  name?: string;
  /** The `status` subresource. */
  status?: boolean;
}

/** How often a patch is re-applied when the object changed under it (upstream retries too). */
const PATCH_ATTEMPTS = 5;

const withName = (o: KubeObject, name: string, namespace: string, namespaced: boolean): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, name, ...(namespaced ? { namespace } : { namespace: undefined }) },
});

/**
 * create / update / patch / delete / deletecollection for every resource:
 * decode (zod), check names, namespaces and preconditions, then hand the
 * object to the resource's admission + command. Nothing is appended unless
 * every check passed.
 */
@Injectable()
export class ResourceWrites {
  constructor(private readonly cluster: ClusterAccess) {}

  async create(t: WriteTarget, req: ApiRequest, res: Response): Promise<void> {
    const w = t.def.writes;
    if (!w?.create) throw methodNotAllowedError('create', t.def.ref);
    const ctx = this.context(req);
    const { object, warnings } = decodeFor(t.def, parseObjectBody(req.rawBody, req.headers['content-type']), fieldValidationOf(req.query as Query));
    this.checkNamespace(t, object);
    let name = object.metadata.name;
    if (!name && object.metadata.generateName) name = generatedName(object.metadata.generateName);
    this.admitIntoNamespace(t, name ?? '');
    const created = await w.create(this.owned(t, req, {}, withName(object, name ?? '', t.namespace, t.def.namespaced)), ctx);
    addWarnings(res, warnings);
    sendJson(res, 201, created);
  }

  async update(t: WriteTarget & { name: string }, req: ApiRequest, res: Response): Promise<void> {
    const w = t.def.writes;
    const apply = t.status ? w?.updateStatus : w?.update;
    if (!w || !apply) throw methodNotAllowedError('update', t.def.ref);
    const ctx = this.context(req);
    const { object, warnings } = decodeFor(t.def, parseObjectBody(req.rawBody, req.headers['content-type']), fieldValidationOf(req.query as Query));
    if (object.metadata.name !== t.name) {
      throw badRequestError(`the name of the object (${object.metadata.name ?? ''}) does not match the name on the URL (${t.name})`);
    }
    this.checkNamespace(t, object);
    const current = this.current(t);
    checkPreconditions(t.def.ref, current, { resourceVersion: object.metadata.resourceVersion });
    const updated = await apply.call(w, this.owned(t, req, current, withName(object, t.name, t.namespace, t.def.namespaced)), current, ctx);
    addWarnings(res, warnings);
    sendJson(res, 200, updated);
  }

  async patch(t: WriteTarget & { name: string }, req: ApiRequest, res: Response): Promise<void> {
    const w = t.def.writes;
    const apply = t.status ? w?.updateStatus : w?.update;
    if (!w || !apply) throw methodNotAllowedError('patch', t.def.ref);
    const contentType = req.headers['content-type'];
    const mediaType = patchMediaType(contentType);
    if (!mediaType) throw new DomainError('UnsupportedMediaType', UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE);
    const fieldValidation = fieldValidationOf(req.query as Query);
    const ctx = this.context(req);
    const isApply = mediaType === 'application/apply-patch+yaml';
    const ownership = isApply && t.def.tracksManagedFields && !t.status;
    if (isApply && !queryString(req.query as Query, 'fieldManager')) {
      throw invalidError('PatchOptions', 'meta.k8s.io', '', [required('fieldManager', 'is required for apply patch')]);
    }
    for (let attempt = 1; ; attempt++) {
      const current = t.def.get(this.cluster.view, t.namespace, t.name);
      if (!current) {
        if (!isApply || t.status || !w.create) throw notFoundError(t.def.ref, t.name);
        // Server-side apply of an absent object creates it.
        const patched = ownership ? this.applied(t, req, {}) : applyPatch(contentType, {}, req.rawBody ?? '', w.patchKind);
        const { object, warnings } = decodeFor(t.def, patched, fieldValidation);
        this.checkNamespace(t, object);
        this.admitIntoNamespace(t, t.name);
        const created = await w.create(withName(object, t.name, t.namespace, t.def.namespaced), ctx);
        addWarnings(res, warnings);
        return sendJson(res, 201, created);
      }
      const patched = ownership ? this.applied(t, req, current as unknown as JsonObject) : applyPatch(contentType, current as unknown as JsonObject, req.rawBody ?? '', w.patchKind);
      const { object, warnings } = decodeFor(t.def, patched, fieldValidation);
      try {
        const next = withName(object, t.name, t.namespace, t.def.namespaced);
        const updated = await apply.call(w, ownership || t.status ? next : this.owned(t, req, current, next), current, ctx);
        addWarnings(res, warnings);
        return sendJson(res, 200, updated);
      } catch (e) {
        // The object moved between our read and the append (the decider's precondition): patch the new state.
        // A patch that pinned the old resourceVersion then fails its own precondition, as upstream's does.
        const moved = t.def.get(this.cluster.view, t.namespace, t.name)?.metadata.resourceVersion !== current.metadata.resourceVersion;
        if (!isDomainError(e, 'Conflict') || !moved || attempt >= PATCH_ATTEMPTS) throw e;
      }
    }
  }

  async delete(t: WriteTarget & { name: string }, req: ApiRequest, res: Response): Promise<void> {
    const w = t.def.writes;
    if (!w?.delete) throw methodNotAllowedError('delete', t.def.ref);
    const current = this.current(t);
    const options = parseDeleteOptions(req.rawBody, req.query as Query);
    const ctx = { ...this.context(req), dryRun: options.dryRun ?? false };
    checkPreconditions(t.def.ref, current, options.preconditions, 'delete');
    const remaining = await w.delete.call(w, current, options, ctx);
    // Still there (a finalizer, a graceful pod deletion): the object with its deletionTimestamp; gone: a Success Status (kubectl-wire §9).
    if (remaining) return sendJson(res, 200, remaining);
    sendJson(res, 200, successStatus({ name: t.name, ...(t.def.group ? { group: t.def.group } : {}), kind: t.def.resource, uid: current.metadata.uid }));
  }

  async deleteCollection(t: WriteTarget, req: ApiRequest, res: Response): Promise<void> {
    const w = t.def.writes;
    if (!w?.delete) throw methodNotAllowedError('deletecollection', t.def.ref);
    const options = parseListOptions(req.query as Query, t.def);
    const deleteOptions = parseDeleteOptions(req.rawBody, req.query as Query);
    const ctx = { ...this.context(req), dryRun: deleteOptions.dryRun ?? false };
    const targets = t.def.list(this.cluster.view, t.def.namespaced ? t.namespace : undefined).filter((o) => matches(t.def, options, o));
    const deleted: KubeObject[] = [];
    for (const obj of targets) {
      try {
        deleted.push((await w.delete.call(w, obj, deleteOptions, ctx)) ?? obj);
      } catch (e) {
        if (!isDomainError(e, 'NotFound')) throw e;
      }
    }
    sendJson(res, 200, { kind: `${t.def.kind}List`, apiVersion: apiVersionOf(t.def), metadata: { resourceVersion: String(this.cluster.view.position) }, items: deleted });
  }

  /** The field manager of a write: `fieldManager`, else the product of the client's User-Agent (kube-apiserver's default). */
  private manager(req: ApiRequest): string {
    return queryString(req.query as Query, 'fieldManager') || (req.headers['user-agent'] ?? '').split('/')[0] || 'unknown';
  }

  /** `next` with the managedFields a non-apply write (create, update, patch) leaves, for resources that track them. */
  private owned(t: WriteTarget, req: ApiRequest, current: KubeObject | Record<string, never>, next: KubeObject): KubeObject {
    if (!t.def.tracksManagedFields || t.status || !t.def.writes) return next;
    const managedFields = trackUpdate(current as unknown as JsonObject, next as unknown as JsonObject, {
      manager: this.manager(req),
      apiVersion: apiVersionOf(t.def),
      now: this.now(),
      schema: PATCH_SCHEMAS[t.def.writes.patchKind],
    });
    return { ...next, metadata: { ...next.metadata, managedFields } };
  }

  /** Server-side apply with field ownership: the body is the manager's configuration; conflicts are 409 unless `force=true`. */
  private applied(t: WriteTarget, req: ApiRequest, current: JsonObject): JsonObject {
    const config = applyPatch(req.headers['content-type'], {}, req.rawBody ?? '', t.def.writes!.patchKind);
    const rv = (config.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    const have = (current.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (have) checkPreconditions(t.def.ref, { metadata: { name: t.name, resourceVersion: have } }, { resourceVersion: rv });
    return applyWithOwnership(current, config, {
      manager: this.manager(req),
      force: queryString(req.query as Query, 'force') === 'true',
      apiVersion: apiVersionOf(t.def),
      now: this.now(),
      schema: PATCH_SCHEMAS[t.def.writes!.patchKind],
    });
  }

  private now(): string {
    return this.cluster.now().toISOString().replace(/\.\d+Z$/, 'Z');
  }

  private context(req: ApiRequest): WriteContext {
    return this.cluster.writeContext(req.user, dryRunOf(req.query as Query));
  }

  private current(t: WriteTarget & { name: string }): KubeObject {
    const obj = t.def.get(this.cluster.view, t.namespace, t.name);
    if (!obj) throw notFoundError(t.def.ref, t.name);
    return obj;
  }

  /** The body may name the path's namespace or none; the namespace must exist (NamespaceLifecycle admission). */
  private checkNamespace(t: WriteTarget, obj: KubeObject): void {
    if (!t.def.namespaced) return;
    const ns = obj.metadata.namespace;
    if (ns && ns !== t.namespace) {
      throw badRequestError('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (!namespaceIn(this.cluster.view, t.namespace)) admitIntoNamespace(t.namespace, undefined, t.def.ref, '');
  }

  /** NamespaceLifecycle for creates: no new content in a missing (404) or terminating (403) namespace. */
  private admitIntoNamespace(t: WriteTarget, name: string): void {
    if (t.def.namespaced) admitIntoNamespace(t.namespace, namespaceIn(this.cluster.view, t.namespace), t.def.ref, name);
  }
}
