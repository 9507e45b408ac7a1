/**
 * core/v1 pod validation (ValidatePodTemplateSpec / ValidatePodSpec), the
 * subset a DaemonSet template and the simulated pods exercise. Field paths,
 * messages and the order of checks follow pkg/apis/core/validation.
 */
import type { Container, NodeSelectorTerm, PodSpec, PodTemplateSpec, Toleration, Volume } from '../types';
import { duplicate, FieldError, forbidden, invalid, notFound, notSupported, required } from '../field-errors';
import { parseQuantity } from '../quantity';
import { validateAnnotations, validateLabelName, validateLabels } from './meta';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from './names';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export const validateTaintEffect = (effect: string, allowEmpty: boolean, path: string): FieldError[] => {
  if (!allowEmpty && !effect) return [required(path)];
  return (TAINT_EFFECTS as readonly string[]).includes(effect) ? [] : [notSupported(path, effect, TAINT_EFFECTS)];
};

export const validateTolerations = (tolerations: Toleration[] | undefined, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  for (const [i, t] of (tolerations ?? []).entries()) {
    const p = `${path}[${i}]`;
    const key = t.key ?? '';
    const operator = t.operator ?? '';
    const value = t.value ?? '';
    const effect = t.effect ?? '';
    if (key) errs.push(...validateLabelName(key, `${p}.key`));
    if (!key && operator !== 'Exists') {
      errs.push(invalid(`${p}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(`${p}.operator`, value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(invalid(`${p}.operator`, { goSyntax: tolerationGo(t) }, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${p}.operator`, operator, ['Equal', 'Exists']));
    }
    if (effect) errs.push(...validateTaintEffect(effect, true, `${p}.effect`));
  }
  return errs;
};

const tolerationGo = (t: Toleration): string =>
  `core.Toleration{Key:${JSON.stringify(t.key ?? '')}, Operator:${JSON.stringify(t.operator ?? '')}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect ?? '')}, TolerationSeconds:${t.tolerationSeconds === undefined ? '(*int64)(nil)' : `&${t.tolerationSeconds}`}}`;

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  ...STANDARD_CONTAINER_RESOURCES,
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage',
  'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const isHugePages = (n: string): boolean => n.startsWith('hugepages-');
const isNative = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');

/**
 * validateContainerResourceName. A misspelt bare name (`memrory`) gets two
 * causes: not a standard resource at all, and not one for containers.
 */
export const validateContainerResourceName = (name: string, path: string): FieldError[] => {
  // Resource names print through their String() method in Go, i.e. unquoted.
  const shown = { goSyntax: name };
  const errs = isQualifiedName(name).map((m) => invalid(path, shown, m));
  if (errs.length) return errs;
  const bare = name.split('/').length === 1;
  if (bare && !STANDARD_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, shown, 'must be a standard resource type or fully qualified'));
  if (bare) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, shown, 'must be a standard resource for containers'));
  } else if (!isNative(name) && (name.startsWith('requests.') || name.includes('kubernetes.io/'))) {
    errs.push(invalid(path, shown, "doesn't follow extended resource name standard"));
  }
  return errs;
};

const validateResources = (c: Container, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const check = (kind: 'limits' | 'requests', name: string, q: string): void => {
    const p = `${path}.${kind}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const v = parseQuantity(q);
    if (v !== undefined && v < 0) errs.push(invalid(p, q, 'must be greater than or equal to 0'));
  };
  for (const [name, q] of sortedEntries(limits)) check('limits', name, q);
  for (const [name, q] of sortedEntries(requests)) {
    check('requests', name, q);
    const overcommit = isNative(name) && !isHugePages(name);
    if (name in limits) {
      const r = parseQuantity(q) ?? 0;
      const l = parseQuantity(limits[name]) ?? 0;
      if (!overcommit && r !== l) errs.push(invalid(`${path}.requests`, q, `must be equal to ${name} limit of ${limits[name]}`));
      else if (r > l) errs.push(invalid(`${path}.requests`, q, `must be less than or equal to ${name} limit of ${limits[name]}`));
    } else if (!overcommit) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
};

const sortedEntries = (m: Record<string, string>): [string, string][] => Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const validatePorts = (c: Container, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of (c.ports ?? []).entries()) {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) errs.push(...msgs.map((m) => invalid(`${p}.name`, port.name, m)));
      else if (names.has(port.name)) errs.push(duplicate(`${p}.name`, port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(`${p}.containerPort`));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => invalid(`${p}.containerPort`, port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => invalid(`${p}.hostPort`, port.hostPort, m)));
    if (!port.protocol) errs.push(required(`${p}.protocol`));
    else if (!PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, PORT_PROTOCOLS));
  }
  return errs;
};

const validateContainer = (c: Container, volumes: ReadonlySet<string>, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`));
  else errs.push(...isDns1123Label(c.name).map((m) => invalid(`${path}.name`, c.name, m)));
  if (!c.image) errs.push(required(`${path}.image`));
  const tmp = c.terminationMessagePolicy ?? '';
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validatePorts(c, `${path}.ports`));
  for (const [i, e] of (c.env ?? []).entries()) {
    const p = `${path}.env[${i}]`;
    if (!e.name) errs.push(required(`${p}.name`));
    // RelaxedEnvironmentVariableValidation is on by default from v1.32.
    else if (/[^\x20-\x7e]|=/.test(e.name)) errs.push(invalid(`${p}.name`, e.name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
  }
  const mountPaths = new Set<string>();
  for (const [i, m] of (c.volumeMounts ?? []).entries()) {
    const p = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(required(`${p}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    else mountPaths.add(m.mountPath);
  }
  const pull = c.imagePullPolicy ?? '';
  if (!pull) errs.push(required(`${path}.imagePullPolicy`));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) errs.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResources(c, `${path}.resources`));
  return errs;
};

const validateContainers = (containers: Container[], volumes: ReadonlySet<string>, path: string, others: ReadonlySet<string> = new Set()): FieldError[] => {
  const errs: FieldError[] = [];
  const names = new Set<string>(others);
  for (const [i, c] of containers.entries()) {
    errs.push(...validateContainer(c, volumes, `${path}[${i}]`));
    if (c.name && names.has(c.name)) errs.push(duplicate(`${path}[${i}].name`, c.name));
    names.add(c.name);
  }
  return errs;
};

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

const validateVolumes = (volumes: Volume[] | undefined, path: string): { names: Set<string>; errs: FieldError[] } => {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, v] of (volumes ?? []).entries()) {
    const p = `${path}[${i}]`;
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
    const hostPath = v.hostPath as { path?: unknown; type?: unknown } | undefined;
    if (hostPath && sources[0] === 'hostPath') {
      if (!hostPath.path) errs.push(required(`${p}.hostPath.path`));
      if (typeof hostPath.type === 'string' && !HOST_PATH_TYPES.includes(hostPath.type)) {
        errs.push(notSupported(`${p}.hostPath.type`, hostPath.type, HOST_PATH_TYPES));
      }
    }
    if (!v.name) errs.push(required(`${p}.name`));
    else {
      errs.push(...isDns1123Label(v.name).map((m) => invalid(`${p}.name`, v.name, m)));
      if (names.has(v.name)) errs.push(duplicate(`${p}.name`, v.name));
      names.add(v.name);
    }
  }
  return { names, errs };
};

const validateNodeSelectorTerm = (term: NodeSelectorTerm, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  for (const [j, r] of (term.matchExpressions ?? []).entries()) {
    const p = `${path}.matchExpressions[${j}]`;
    const n = r.values?.length ?? 0;
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (!n) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (n) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else if (r.operator === 'Gt' || r.operator === 'Lt') {
      if (n !== 1) errs.push(required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
    } else errs.push(invalid(`${p}.operator`, r.operator, 'not a valid selector operator'));
    errs.push(...validateLabelName(r.key, `${p}.key`));
  }
  for (const [j, r] of (term.matchFields ?? []).entries()) {
    const p = `${path}.matchFields[${j}]`;
    if (r.key !== 'metadata.name') errs.push(notSupported(`${p}.key`, r.key, ['metadata.name']));
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if ((r.values?.length ?? 0) !== 1) errs.push(required(`${p}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else errs.push(invalid(`${p}.operator`, r.operator, 'not a valid selector operator'));
  }
  return errs;
};

const validateAffinity = (spec: PodSpec, path: string): FieldError[] => {
  const na = spec.affinity?.nodeAffinity;
  if (!na) return [];
  const errs: FieldError[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const p = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    if (!req.nodeSelectorTerms.length) errs.push(required(`${p}.nodeSelectorTerms`, 'must have at least one node selector term'));
    for (const [i, t] of req.nodeSelectorTerms.entries()) errs.push(...validateNodeSelectorTerm(t, `${p}.nodeSelectorTerms[${i}]`));
  }
  for (const [i, t] of (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).entries()) {
    const p = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (t.weight <= 0 || t.weight > 100) errs.push(invalid(`${p}.weight`, t.weight, 'must be in the range 1-100'));
    errs.push(...validateNodeSelectorTerm(t.preference, `${p}.preference`));
  }
  return errs;
};

/** ValidatePodSpec. `path` is where the spec sits (`spec` or `spec.template.spec`). */
export const validatePodSpec = (spec: PodSpec, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  const vols = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...vols.errs);
  if (!spec.containers.length) errs.push(required(`${path}.containers`));
  errs.push(...validateContainers(spec.containers, vols.names, `${path}.containers`));
  errs.push(...validateContainers(spec.initContainers ?? [], vols.names, `${path}.initContainers`, new Set(spec.containers.map((c) => c.name))));
  if (spec.hostNetwork) {
    for (const [i, c] of spec.containers.entries()) {
      for (const [j, port] of (c.ports ?? []).entries()) {
        if (port.hostPort && port.hostPort !== port.containerPort) {
          errs.push(invalid(`${path}.containers[${i}].ports[${j}].hostPort`, port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }
    }
  }
  const rp = spec.restartPolicy ?? '';
  if (!rp) errs.push(required(`${path}.restartPolicy`));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  const dns = spec.dnsPolicy ?? '';
  if (!dns) errs.push(required(`${path}.dnsPolicy`));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dns)) {
    errs.push(notSupported(`${path}.dnsPolicy`, dns, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  for (const [i, s] of (spec.imagePullSecrets ?? []).entries()) if (!s.name) errs.push(required(`${path}.imagePullSecrets[${i}].name`));
  errs.push(...validateAffinity(spec, `${path}.affinity`));
  if (spec.serviceAccountName) errs.push(...isDns1123Subdomain(spec.serviceAccountName).map((m) => invalid(`${path}.serviceAccountName`, spec.serviceAccountName, m)));
  if (spec.nodeName) errs.push(...isDns1123Subdomain(spec.nodeName).map((m) => invalid(`${path}.nodeName`, spec.nodeName, m)));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  if (spec.hostname) errs.push(...isDns1123Label(spec.hostname).map((m) => invalid(`${path}.hostname`, spec.hostname, m)));
  if (spec.subdomain) errs.push(...isDns1123Label(spec.subdomain).map((m) => invalid(`${path}.subdomain`, spec.subdomain, m)));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  if (spec.priorityClassName) errs.push(...isDns1123Subdomain(spec.priorityClassName).map((m) => invalid(`${path}.priorityClassName`, spec.priorityClassName, m)));
  return errs;
};

/**
 * ValidatePodTemplateSpec. Upstream reports template labels/annotations at
 * `<path>.labels`, not `<path>.metadata.labels`; kept as is.
 */
export const validatePodTemplateSpec = (t: PodTemplateSpec, path: string): FieldError[] => [
  ...validateLabels(t.metadata?.labels, `${path}.labels`),
  ...validateAnnotations(t.metadata?.annotations, `${path}.annotations`),
  ...validatePodSpec(t.spec, `${path}.spec`),
  ...(t.spec.ephemeralContainers?.length ? [forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template')] : []),
];
