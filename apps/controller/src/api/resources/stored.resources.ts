import { randomUUID } from 'node:crypto';
import {
  admitStoredCreate,
  admitStoredUpdate,
  allocatedAddresses,
  allocateServiceAddresses,
  alreadyExistsError,
  builtinNamespace,
  builtinPriorityClass,
  decodeStored,
  DEFAULT_SERVICE_CIDR,
  forbiddenError,
  globalDefaultConflict,
  isBuiltinNamespace,
  isSystemPriorityClass,
  NODE_LEASE_NAMESPACE,
  namespaceDeletionRefusal,
  parseServiceRange,
  PRIORITY_CLASSES,
  priorityClassDeletionRefusal,
  priorityClassesOf,
  priorityClassLookup,
  STORED_KINDS,
  type StoredKindDef,
  type StoredObject,
} from '@daemonledger/domain';
import { jsonEqual } from '@daemonledger/domain/cluster/equality';
import { simulatedNodeLease } from '@daemonledger/domain/cluster/node-leases';
import type { ObjectCommand } from '@daemonledger/domain/kinds/object.decider';
import type { PatchKind } from '@daemonledger/domain/api/patch';
import type { ClusterView } from '@daemonledger/projections';
import { ObjectCommandMsg } from '../../commands/cluster.commands';
import type { SealedSecretData, SecretSealer } from '../../infrastructure/secret-sealer.port';
import { byName, metaFields, type ResourceDef, type WriteContext } from './resource-def';

/** Where a Secret's sealed data sits in its events and in the view (never served: `present` opens it). */
export const SEALED_DATA_FIELD = 'sealedData';

/** What one stored kind adds to the generic machinery. */
interface StoredHooks {
  /** The objects of the view as served (built-in namespaces added). */
  list?(view: ClusterView, ns: string | undefined): StoredObject[];
  get?(view: ClusterView, ns: string, name: string): StoredObject | undefined;
  present?(o: StoredObject): StoredObject;
  /** Refusals beyond the decider's (a built-in namespace exists already). */
  checkCreate?(o: StoredObject, c: WriteContext): void;
  /** Refusals of an admitted update beyond the decider's (a second default PriorityClass). */
  checkUpdate?(o: StoredObject, current: StoredObject, c: WriteContext): void;
  /** The admitted object as it goes into the command (a Secret sealed, a Service given addresses). Not called for dry runs. */
  prepareCreate?(o: StoredObject, c: WriteContext): StoredObject;
  prepareUpdate?(o: StoredObject, current: StoredObject, c: WriteContext): StoredObject;
  /** A prepared create was refused by the decider (e.g. AlreadyExists): undo what prepareCreate did outside the log. */
  abandonCreate?(o: StoredObject): void;
  /** The object an update starts from when its stream is empty (a built-in namespace). */
  base?(current: StoredObject, c: WriteContext): StoredObject | undefined;
  refuseDelete?(current: StoredObject): void;
  /** Creates of this kind run one at a time (a Service's addresses are decided from the others). */
  serializeCreates?: boolean;
}

const scopeOf = (kind: StoredKindDef, o: StoredObject) => (kind.namespaced ? (o.metadata.namespace ?? '') : '');

const selectable = (kind: StoredKindDef) => [
  'metadata.name',
  ...(kind.namespaced ? ['metadata.namespace'] : []),
  ...Object.keys(kind.selectableFields?.({ apiVersion: '', kind: '', metadata: {}, spec: {}, status: {} }) ?? {}),
];

/**
 * One REST resource for a stored kind: reads from the view's stored objects,
 * writes admitted by the kind's definition (libs/domain/src/kinds) and
 * decided by the one object decider. The same code for every stored kind;
 * a kind's particulars are its hooks.
 */
export const storedResource = (kind: StoredKindDef, hooks: StoredHooks = {}): ResourceDef<StoredObject> => {
  const present = (o: StoredObject) => (hooks.present ? hooks.present(o) : o);
  const execute = (o: StoredObject, c: WriteContext, cmd: ObjectCommand) =>
    c.execute(new ObjectCommandMsg(kind.streamKind, scopeOf(kind, o), o.metadata.name ?? '', cmd, c.meta));
  const readBack = (c: WriteContext, o: StoredObject) => {
    const stored = hooks.get ? hooks.get(c.view, scopeOf(kind, o), o.metadata.name ?? '') : c.view.object(kind.streamKind, scopeOf(kind, o), o.metadata.name ?? '');
    return stored && present(stored);
  };
  let creates: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    if (!hooks.serializeCreates) return work();
    const next = creates.then(work);
    creates = next.catch(() => undefined);
    return next;
  };
  return {
    group: kind.group,
    version: kind.version,
    resource: kind.resource,
    kind: kind.kind,
    namespaced: kind.namespaced,
    ref: { resource: kind.resource, group: kind.group },
    streamKind: kind.streamKind,
    selectableFields: selectable(kind),
    fields: (o) => ({ ...metaFields(o, kind.namespaced), ...(kind.selectableFields?.(o) ?? {}) }),
    list: (view, ns) => byName((hooks.list ? hooks.list(view, kind.namespaced ? ns : undefined) : view.objectsOf(kind.streamKind, kind.namespaced ? ns : undefined)).map(present)),
    get: (view, ns, name) => {
      const o = hooks.get ? hooks.get(view, kind.namespaced ? ns : '', name) : view.object(kind.streamKind, kind.namespaced ? ns : '', name);
      return o && present(o);
    },
    present,
    writes: {
      decode: (value, fieldValidation) => decodeStored(kind, value, fieldValidation),
      patchKind: kind.kind as PatchKind,
      create: (input, c) =>
        serialized(async () => {
          const admitted = admitStoredCreate(kind, input);
          hooks.checkCreate?.(admitted, c);
          if (c.dryRun) return admitted;
          const object = hooks.prepareCreate ? hooks.prepareCreate(admitted, c) : admitted;
          try {
            await execute(object, c, { type: 'CreateObject', object });
          } catch (e) {
            hooks.abandonCreate?.(object);
            throw e;
          }
          return readBack(c, object) ?? present(object);
        }),
      async update(input, current, c) {
        const admitted = admitStoredUpdate(kind, input, current);
        hooks.checkUpdate?.(admitted, current, c);
        if (c.dryRun) return admitted;
        const object = hooks.prepareUpdate ? hooks.prepareUpdate(admitted, current, c) : admitted;
        const base = hooks.base?.(current, c);
        await execute(object, c, { type: 'UpdateObject', object, expectedResourceVersion: input.metadata.resourceVersion, ...(base ? { base } : {}) });
        return readBack(c, object) ?? present(object);
      },
      async delete(current, options, c) {
        hooks.refuseDelete?.(current);
        if (c.dryRun) return current;
        await execute(current, c, {
          type: 'DeleteObject',
          reason: 'user',
          expectedUid: options.preconditions?.uid,
          expectedResourceVersion: options.preconditions?.resourceVersion,
        });
        // A terminating namespace is still there (phase Terminating) until its content is gone.
        return readBack(c, current);
      },
    },
  };
};

// ── The kinds' particulars ──────────────────────────────────────────────────

const kindOf = (resource: string) => STORED_KINDS.find((k) => k.resource === resource)!;
export const NAMESPACES_REF = { resource: 'namespaces', group: '' };

/** A namespace as the API sees it: stored, else built-in (as old as the log). */
export const namespaceIn = (view: ClusterView, name: string, createdAt = ''): StoredObject | undefined =>
  view.object('namespace', '', name) ?? (isBuiltinNamespace(name) ? builtinNamespace(name, createdAt) : undefined);

const namespaces = (createdAt: () => string): ResourceDef<StoredObject> =>
  storedResource(kindOf('namespaces'), {
    list: (view) => {
      const stored = view.objectsOf('namespace');
      const builtins = ['default', 'kube-node-lease', 'kube-public', 'kube-system'].filter((n) => !view.object('namespace', '', n)).map((n) => builtinNamespace(n, createdAt()));
      return [...builtins, ...stored];
    },
    get: (view, _ns, name) => namespaceIn(view, name, createdAt()),
    checkCreate: (o, c) => {
      const name = o.metadata.name ?? '';
      // Helm's --create-namespace relies on this 409 for a namespace that exists.
      if (isBuiltinNamespace(name) && !c.view.object('namespace', '', name)) throw alreadyExistsError(NAMESPACES_REF, name);
    },
    base: (current, c) => (c.view.object('namespace', '', current.metadata.name ?? '') ? undefined : current),
    refuseDelete: (current) => {
      const refusal = namespaceDeletionRefusal(current.metadata.name ?? '');
      if (refusal) throw forbiddenError(NAMESPACES_REF, current.metadata.name ?? '', refusal);
    },
  });

/** Secrets: data sealed under the Secret's own key before the command, opened on every read; gone once the key is shredded. */
const secrets = (sealer: SecretSealer): ResourceDef<StoredObject> => {
  const seal = (o: StoredObject, uid: string, stored?: StoredObject): StoredObject => {
    const { data, ...rest } = o as StoredObject & { data?: Record<string, string> };
    // Unchanged data keeps its sealed form: an update that changes nothing then appends nothing.
    const kept = stored?.[SEALED_DATA_FIELD] as SealedSecretData | undefined;
    const sealed = kept && jsonEqual(sealer.open(kept) ?? null, data ?? {}) ? kept : sealer.seal(uid, data ?? {});
    return { ...rest, metadata: { ...rest.metadata, uid }, [SEALED_DATA_FIELD]: sealed };
  };
  return storedResource(kindOf('secrets'), {
    present: (o) => {
      const { [SEALED_DATA_FIELD]: sealed, ...rest } = o;
      if (!sealed) return o;
      const data = sealer.open(sealed as SealedSecretData);
      return data && Object.keys(data).length ? { ...rest, data } : rest;
    },
    prepareCreate: (o) => seal(o, randomUUID()),
    // The key made for a Secret that was never created holds nothing the log keeps: destroyed at once.
    abandonCreate: (o) => sealer.shred(o.metadata.uid!),
    prepareUpdate: (o, current, c) => seal(o, current.metadata.uid!, c.view.object('secret', current.metadata.namespace ?? '', current.metadata.name ?? '')),
  });
};

/** Services: ClusterIPs and node ports decided from every other Service's (creates one at a time). */
const services = (cidr: string): ResourceDef<StoredObject> => {
  const range = parseServiceRange(cidr);
  return storedResource(kindOf('services'), {
    serializeCreates: true,
    prepareCreate: (o, c) => allocateServiceAddresses(o, allocatedAddresses(c.view.objectsOf('service')), range),
  });
};

/**
 * PriorityClasses: the built-ins served until written (as old as the log, like
 * the built-in namespaces), never deleted; at most one global default
 * (upstream's Priority admission plugin). Creates run one at a time, so two
 * defaults created at once are not both admitted.
 */
const priorityClasses = (createdAt: () => string): ResourceDef<StoredObject> => {
  const ref = PRIORITY_CLASSES;
  const refuseSecondDefault = (o: StoredObject, c: WriteContext) => {
    const conflict = globalDefaultConflict(o, priorityClassLookup(c.view));
    if (conflict) throw forbiddenError(ref, o.metadata.name ?? '', conflict);
  };
  return storedResource(kindOf('priorityclasses'), {
    serializeCreates: true,
    list: (view) => priorityClassesOf(view, createdAt()),
    get: (view, _ns, name) => view.object('priorityclass', '', name) ?? builtinPriorityClass(name, createdAt()),
    checkCreate: (o, c) => {
      const name = o.metadata.name ?? '';
      if (isSystemPriorityClass(name) && !c.view.object('priorityclass', '', name)) throw alreadyExistsError(ref, name);
      refuseSecondDefault(o, c);
    },
    checkUpdate: (o, _current, c) => refuseSecondDefault(o, c),
    base: (current, c) => (c.view.object('priorityclass', '', current.metadata.name ?? '') ? undefined : current),
    refuseDelete: (current) => {
      const refusal = priorityClassDeletionRefusal(current.metadata.name ?? '');
      if (refusal) throw forbiddenError(ref, current.metadata.name ?? '', refusal);
    },
  });
};

/** Whether the nodes' kubelets run in this process (embedded mode), and the clock and lease duration their Leases are derived with. */
export type SimulatedLeases = () => { now: number; leaseDurationSeconds: number } | undefined;

/**
 * Leases: as stored, plus in kube-node-lease the Lease of each node whose
 * simulated kubelet runs in this process and has none stored (derived from
 * the node, never written: see `simulatedNodeLease`). A stored one (a
 * distributed agent's heartbeats) always wins.
 */
const leases = (simulated: SimulatedLeases): ResourceDef<StoredObject> => {
  const derived = (view: ClusterView, name: string): StoredObject | undefined => {
    const sim = simulated();
    const node = sim && view.nodes.get(name);
    return node && !view.object('lease', NODE_LEASE_NAMESPACE, name) ? simulatedNodeLease(node, sim.now, sim.leaseDurationSeconds) : undefined;
  };
  return storedResource(kindOf('leases'), {
    list: (view, ns) => {
      const stored = view.objectsOf('lease', ns);
      if (!simulated() || (ns !== undefined && ns !== NODE_LEASE_NAMESPACE)) return stored;
      const extra = [...view.nodes.values()].flatMap((n) => derived(view, n.metadata.name ?? '') ?? []);
      return extra.length ? [...stored, ...extra] : stored;
    },
    get: (view, ns, name) => view.object('lease', ns, name) ?? (ns === NODE_LEASE_NAMESPACE ? derived(view, name) : undefined),
  });
};

/** Every stored kind's resource, in discovery order. */
export const storedResources = (options: { createdAt: () => string; sealer: SecretSealer; serviceCidr?: string; simulatedLeases?: SimulatedLeases }): ResourceDef<StoredObject>[] =>
  STORED_KINDS.map((kind) => {
    switch (kind.resource) {
      case 'namespaces':
        return namespaces(options.createdAt);
      case 'secrets':
        return secrets(options.sealer);
      case 'services':
        return services(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
      case 'priorityclasses':
        return priorityClasses(options.createdAt);
      case 'leases':
        return leases(options.simulatedLeases ?? (() => undefined));
      default:
        return storedResource(kind);
    }
  });
