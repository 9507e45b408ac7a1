/**
 * Present (true) when the leader's pod-command relay sends RunPod/StopPod from
 * the log (the distributed mode, RELAY_PROVIDERS): NodeLink then leaves
 * publishing to it. Absent in the embedded mode, where NodeLink publishes.
 */
export const POD_COMMANDS_VIA_RELAY = Symbol('POD_COMMANDS_VIA_RELAY');
/** The relays' durable positions (a CheckpointStore beside the log). */
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');
