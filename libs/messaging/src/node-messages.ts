import { z } from 'zod';

/**
 * The wire format between controller and node agents, checked with zod on
 * receipt: a malformed message is reported and dropped, never half-applied.
 */
const Json = z.record(z.string(), z.unknown());

export const RunPodMessage = z.object({
  kind: z.literal('RunPod'),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  /** The whole pod, as created (the agent reads containers, images, host network). */
  pod: Json,
});
export const StopPodMessage = z.object({
  kind: z.literal('StopPod'),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  gracePeriodSeconds: z.number().int().min(0),
});
export const NodeCommandMessage = z.discriminatedUnion('kind', [RunPodMessage, StopPodMessage]);
export type NodeCommandMessage = z.infer<typeof NodeCommandMessage>;

export const PodStatusMessage = z.object({
  kind: z.literal('PodStatus'),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  status: Json,
});
export const PodGoneMessage = z.object({
  kind: z.literal('PodGone'),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
});
export const NodeRegisterMessage = z.object({
  kind: z.literal('NodeRegister'),
  nodeName: z.string(),
  node: Json,
});
export const NodeReportMessage = z.discriminatedUnion('kind', [PodStatusMessage, PodGoneMessage, NodeRegisterMessage]);
export type NodeReportMessage = z.infer<typeof NodeReportMessage>;
