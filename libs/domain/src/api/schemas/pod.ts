/** core/v1 PodSpec and everything in it, plus Pod itself. */
import { z } from 'zod';
import { objectMetaSchema } from './meta';
import { bool, int32, int64, intOrString, jsonObject, resourceList, str, strict, stringMap, strings, time } from './primitives';

export const tolerationSchema = strict('v1.Toleration', {
  key: str().optional(),
  operator: str().optional(),
  value: str().optional(),
  effect: str().optional(),
  tolerationSeconds: int64().optional(),
});

const nodeSelectorRequirementSchema = strict('v1.NodeSelectorRequirement', {
  key: str().default(''),
  operator: str().default(''),
  values: strings().optional(),
});

export const nodeSelectorTermSchema = strict('v1.NodeSelectorTerm', {
  matchExpressions: z.array(nodeSelectorRequirementSchema, { error: '[]v1.NodeSelectorRequirement' }).optional(),
  matchFields: z.array(nodeSelectorRequirementSchema, { error: '[]v1.NodeSelectorRequirement' }).optional(),
});

export const nodeAffinitySchema = strict('v1.NodeAffinity', {
  requiredDuringSchedulingIgnoredDuringExecution: strict('v1.NodeSelector', {
    nodeSelectorTerms: z.array(nodeSelectorTermSchema, { error: '[]v1.NodeSelectorTerm' }).default([]),
  }).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(strict('v1.PreferredSchedulingTerm', { weight: int32().default(0), preference: nodeSelectorTermSchema.default({}) }), {
      error: '[]v1.PreferredSchedulingTerm',
    })
    .optional(),
});

const affinitySchema = strict('v1.Affinity', {
  nodeAffinity: nodeAffinitySchema.optional(),
  podAffinity: jsonObject('v1.PodAffinity').optional(),
  podAntiAffinity: jsonObject('v1.PodAntiAffinity').optional(),
});

const containerPortSchema = strict('v1.ContainerPort', {
  name: str().optional(),
  containerPort: int32().default(0),
  hostPort: int32().optional(),
  hostIP: str().optional(),
  protocol: str().optional(),
});

const probeSchema = strict('v1.Probe', {
  exec: strict('v1.ExecAction', { command: strings().optional() }).optional(),
  httpGet: strict('v1.HTTPGetAction', {
    path: str().optional(),
    port: intOrString().default(0),
    host: str().optional(),
    scheme: str().optional(),
    httpHeaders: z.array(strict('v1.HTTPHeader', { name: str().default(''), value: str().default('') }), { error: '[]v1.HTTPHeader' }).optional(),
  }).optional(),
  tcpSocket: strict('v1.TCPSocketAction', { port: intOrString().default(0), host: str().optional() }).optional(),
  grpc: strict('v1.GRPCAction', { port: int32().default(0), service: str().optional() }).optional(),
  initialDelaySeconds: int32().optional(),
  timeoutSeconds: int32().optional(),
  periodSeconds: int32().optional(),
  successThreshold: int32().optional(),
  failureThreshold: int32().optional(),
  terminationGracePeriodSeconds: int64().optional(),
});

export const containerSchema = strict('v1.Container', {
  name: str().default(''),
  image: str().optional(),
  command: strings().optional(),
  args: strings().optional(),
  workingDir: str().optional(),
  ports: z.array(containerPortSchema, { error: '[]v1.ContainerPort' }).optional(),
  envFrom: z.array(jsonObject('v1.EnvFromSource'), { error: '[]v1.EnvFromSource' }).optional(),
  env: z
    .array(strict('v1.EnvVar', { name: str().default(''), value: str().optional(), valueFrom: jsonObject('v1.EnvVarSource').optional() }), {
      error: '[]v1.EnvVar',
    })
    .optional(),
  resources: strict('v1.ResourceRequirements', {
    limits: resourceList().optional(),
    requests: resourceList().optional(),
    claims: z.array(strict('v1.ResourceClaim', { name: str().default(''), request: str().optional() }), { error: '[]v1.ResourceClaim' }).optional(),
  }).optional(),
  resizePolicy: z
    .array(strict('v1.ContainerResizePolicy', { resourceName: str().default(''), restartPolicy: str().default('') }), { error: '[]v1.ContainerResizePolicy' })
    .optional(),
  restartPolicy: str().optional(),
  volumeMounts: z
    .array(
      strict('v1.VolumeMount', {
        name: str().default(''),
        mountPath: str().default(''),
        readOnly: bool().optional(),
        subPath: str().optional(),
        subPathExpr: str().optional(),
        mountPropagation: str().optional(),
        recursiveReadOnly: str().optional(),
      }),
      { error: '[]v1.VolumeMount' },
    )
    .optional(),
  volumeDevices: z.array(strict('v1.VolumeDevice', { name: str().default(''), devicePath: str().default('') }), { error: '[]v1.VolumeDevice' }).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: jsonObject('v1.Lifecycle').optional(),
  terminationMessagePath: str().optional(),
  terminationMessagePolicy: str().optional(),
  imagePullPolicy: str().optional(),
  securityContext: jsonObject('v1.SecurityContext').optional(),
  stdin: bool().optional(),
  stdinOnce: bool().optional(),
  tty: bool().optional(),
});

/** Every VolumeSource member of core/v1; the sources themselves are kept as given. */
export const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

export const volumeSchema = strict('v1.Volume', {
  name: str().default(''),
  ...(Object.fromEntries(VOLUME_SOURCES.map((s) => [s, jsonObject().optional()])) as Record<
    (typeof VOLUME_SOURCES)[number],
    z.ZodOptional<ReturnType<typeof jsonObject>>
  >),
});

export const podSpecSchema = strict('v1.PodSpec', {
  volumes: z.array(volumeSchema, { error: '[]v1.Volume' }).optional(),
  initContainers: z.array(containerSchema, { error: '[]v1.Container' }).optional(),
  containers: z.array(containerSchema, { error: '[]v1.Container' }).default([]),
  ephemeralContainers: z.array(jsonObject('v1.EphemeralContainer'), { error: '[]v1.EphemeralContainer' }).optional(),
  restartPolicy: str().optional(),
  terminationGracePeriodSeconds: int64().optional(),
  activeDeadlineSeconds: int64().optional(),
  dnsPolicy: str().optional(),
  nodeSelector: stringMap().optional(),
  serviceAccountName: str().optional(),
  serviceAccount: str().optional(),
  automountServiceAccountToken: bool().optional(),
  nodeName: str().optional(),
  hostNetwork: bool().optional(),
  hostPID: bool().optional(),
  hostIPC: bool().optional(),
  shareProcessNamespace: bool().optional(),
  securityContext: jsonObject('v1.PodSecurityContext').optional(),
  imagePullSecrets: z.array(strict('v1.LocalObjectReference', { name: str().optional() }), { error: '[]v1.LocalObjectReference' }).optional(),
  hostname: str().optional(),
  subdomain: str().optional(),
  affinity: affinitySchema.optional(),
  schedulerName: str().optional(),
  tolerations: z.array(tolerationSchema, { error: '[]v1.Toleration' }).optional(),
  hostAliases: z.array(strict('v1.HostAlias', { ip: str().default(''), hostnames: strings().optional() }), { error: '[]v1.HostAlias' }).optional(),
  priorityClassName: str().optional(),
  priority: int32().optional(),
  dnsConfig: jsonObject('v1.PodDNSConfig').optional(),
  readinessGates: z.array(strict('v1.PodReadinessGate', { conditionType: str().default('') }), { error: '[]v1.PodReadinessGate' }).optional(),
  runtimeClassName: str().optional(),
  enableServiceLinks: bool().optional(),
  preemptionPolicy: str().optional(),
  overhead: resourceList().optional(),
  topologySpreadConstraints: z.array(jsonObject('v1.TopologySpreadConstraint'), { error: '[]v1.TopologySpreadConstraint' }).optional(),
  setHostnameAsFQDN: bool().optional(),
  os: strict('v1.PodOS', { name: str().default('') }).optional(),
  hostUsers: bool().optional(),
  schedulingGates: z.array(strict('v1.PodSchedulingGate', { name: str().default('') }), { error: '[]v1.PodSchedulingGate' }).optional(),
  resourceClaims: z.array(jsonObject('v1.PodResourceClaim'), { error: '[]v1.PodResourceClaim' }).optional(),
});

export const podTemplateSpecSchema = strict('v1.PodTemplateSpec', {
  metadata: objectMetaSchema.optional(),
  spec: podSpecSchema.default({ containers: [] }),
});

const containerStateSchema = strict('v1.ContainerState', {
  waiting: strict('v1.ContainerStateWaiting', { reason: str().optional(), message: str().optional() }).optional(),
  running: strict('v1.ContainerStateRunning', { startedAt: time().optional() }).optional(),
  terminated: strict('v1.ContainerStateTerminated', {
    exitCode: int32(),
    reason: str().optional(),
    message: str().optional(),
    startedAt: time().optional(),
    finishedAt: time().optional(),
  }).optional(),
});

const containerStatusSchema = strict('v1.ContainerStatus', {
  name: str().default(''),
  state: containerStateSchema.optional(),
  lastState: containerStateSchema.optional(),
  ready: bool(),
  restartCount: int32(),
  image: str(),
  imageID: str(),
  containerID: str().optional(),
  started: bool().optional(),
  volumeMounts: z
    .array(
      strict('v1.VolumeMountStatus', {
        name: str(),
        mountPath: str(),
        readOnly: bool().optional(),
        recursiveReadOnly: str().optional(),
      }),
      { error: '[]v1.VolumeMountStatus' },
    )
    .optional(),
});

const conditionStatus = () => z.enum(['True', 'False', 'Unknown'], { error: 'v1.ConditionStatus' });
const ips = () => z.array(strict('v1.PodIP', { ip: str() }), { error: '[]v1.PodIP' });

export const podStatusSchema = strict('v1.PodStatus', {
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'], { error: 'v1.PodPhase' }).optional(),
  conditions: z
    .array(
      strict('v1.PodCondition', {
        type: str(),
        status: conditionStatus(),
        lastProbeTime: time().nullable().optional(),
        lastTransitionTime: time().nullable().optional(),
        reason: str().optional(),
        message: str().optional(),
      }),
      { error: '[]v1.PodCondition' },
    )
    .optional(),
  message: str().optional(),
  reason: str().optional(),
  hostIP: str().optional(),
  hostIPs: ips().optional(),
  podIP: str().optional(),
  podIPs: ips().optional(),
  startTime: time().optional(),
  containerStatuses: z.array(containerStatusSchema, { error: '[]v1.ContainerStatus' }).optional(),
  initContainerStatuses: z.array(containerStatusSchema, { error: '[]v1.ContainerStatus' }).optional(),
  qosClass: str().optional(),
  nominatedNodeName: str().optional(),
});

export const podSchema = strict('v1.Pod', {
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: objectMetaSchema.default({}),
  spec: podSpecSchema.default({ containers: [] }),
  status: podStatusSchema.optional(),
});

export { stringMap };
