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
  /** Correlation of the command that caused this; the agent's reports about the pod carry it back. */
  correlationId: z.string().optional(),
});
export const StopPodMessage = z.object({
  kind: z.literal('StopPod'),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  gracePeriodSeconds: z.number().int().min(0),
  correlationId: z.string().optional(),
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
  correlationId: z.string().optional(),
});
export const PodGoneMessage = z.object({
  kind: z.literal('PodGone'),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  correlationId: z.string().optional(),
});
export const NodeRegisterMessage = z.object({
  kind: z.literal('NodeRegister'),
  nodeName: z.string(),
  node: Json,
});
export const NodeReportMessage = z.discriminatedUnion('kind', [PodStatusMessage, PodGoneMessage, NodeRegisterMessage]);
export type NodeReportMessage = z.infer<typeof NodeReportMessage>;
