import { z } from 'zod';

/**
 * The wire format between controller and node agents, checked with zod on
 * receipt: a malformed message is reported and dropped, never half-applied.
 */
const Json = z.record(z.string(), z.unknown());

/**
 * Every command and report carries an id, unique per message (a command's is
 * the id of the log event it was derived from; a report's is the agent's), so
 * a receiver can recognise a redelivery. Optional on receipt: a message from
 * an older sender without one is still handled (idempotently, by pod uid).
 */
const messageId = z.string().min(1).optional();

export const RunPodMessage = z.object({
  kind: z.literal('RunPod'),
  id: messageId,
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
  id: messageId,
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
  id: messageId,
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  status: Json,
  /** The report that starts the containers: per container, its image pull's ms, or null when the image was present (the Pulled events say which). */
  pulls: z.array(z.number().int().min(0).nullable()).optional(),
  correlationId: z.string().optional(),
});
export const PodGoneMessage = z.object({
  kind: z.literal('PodGone'),
  id: messageId,
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string(),
  correlationId: z.string().optional(),
});
export const NodeRegisterMessage = z.object({
  kind: z.literal('NodeRegister'),
  id: messageId,
  nodeName: z.string(),
  node: Json,
});
/**
 * The images a node's runtime holds changed (a pull, or image GC): their
 * `repo:tag` names, least recently used first, as the kubelet's node status
 * lists them (`status.images`).
 */
export const NodeImagesMessage = z.object({
  kind: z.literal('NodeImages'),
  id: messageId,
  nodeName: z.string(),
  images: z.array(z.string()),
});
/**
 * A node's heartbeat, as a kubelet renews its Lease in kube-node-lease: the
 * controller records it as that Lease's renewal, and the node lifecycle
 * marks a node whose renewals stop unreachable after the grace period.
 */
export const NodeHeartbeatMessage = z.object({
  kind: z.literal('NodeHeartbeat'),
  id: messageId,
  nodeName: z.string(),
  /** Who renews: the agent process (its identity), as a Lease's holderIdentity. */
  holderIdentity: z.string(),
  /** RFC 3339 with microseconds (a Lease's MicroTime), the agent's clock. */
  renewTime: z.string(),
  leaseDurationSeconds: z.number().int().positive(),
});
export type NodeHeartbeatMessage = z.infer<typeof NodeHeartbeatMessage>;

export const NodeReportMessage = z.discriminatedUnion('kind', [PodStatusMessage, PodGoneMessage, NodeRegisterMessage, NodeImagesMessage]);
export type NodeReportMessage = z.infer<typeof NodeReportMessage>;
