/** core/v1 Node. */
import { z } from 'zod';
import { objectMetaSchema } from './meta';
import { bool, int32, int64, resourceList, str, strict, strings, time } from './primitives';

export const taintSchema = strict('v1.Taint', {
  key: str().default(''),
  value: str().optional(),
  effect: str().default(''),
  timeAdded: time().optional(),
});

export const nodeSpecSchema = strict('v1.NodeSpec', {
  podCIDR: str().optional(),
  podCIDRs: strings().optional(),
  providerID: str().optional(),
  unschedulable: bool().optional(),
  taints: z.array(taintSchema, { error: '[]v1.Taint' }).optional(),
});

const nodeSystemInfoSchema = strict('v1.NodeSystemInfo', {
  machineID: str().default(''),
  systemUUID: str().default(''),
  bootID: str().default(''),
  kernelVersion: str().default(''),
  osImage: str().default(''),
  containerRuntimeVersion: str().default(''),
  kubeletVersion: str().default(''),
  kubeProxyVersion: str().default(''),
  operatingSystem: str().default(''),
  architecture: str().default(''),
});

export const nodeStatusSchema = strict('v1.NodeStatus', {
  capacity: resourceList().optional(),
  allocatable: resourceList().optional(),
  phase: str().optional(),
  conditions: z
    .array(
      strict('v1.NodeCondition', {
        type: str().default(''),
        status: z.enum(['True', 'False', 'Unknown'], { error: 'v1.ConditionStatus' }),
        lastHeartbeatTime: time().optional(),
        lastTransitionTime: time().optional(),
        reason: str().optional(),
        message: str().optional(),
      }),
      { error: '[]v1.NodeCondition' },
    )
    .optional(),
  addresses: z.array(strict('v1.NodeAddress', { type: str().default(''), address: str().default('') }), { error: '[]v1.NodeAddress' }).optional(),
  daemonEndpoints: strict('v1.NodeDaemonEndpoints', {
    kubeletEndpoint: strict('v1.DaemonEndpoint', { Port: int32().default(0) }).optional(),
  }).optional(),
  nodeInfo: nodeSystemInfoSchema.optional(),
  images: z
    .array(strict('v1.ContainerImage', { names: strings().optional(), sizeBytes: int64().optional() }), { error: '[]v1.ContainerImage' })
    .optional(),
});

export const nodeSchema = strict('v1.Node', {
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: objectMetaSchema.default({}),
  spec: nodeSpecSchema.default({}),
  status: nodeStatusSchema.optional(),
});
