import { NodeHeartbeats } from './node-heartbeats.service';
import { NodeLifecycle } from './node-lifecycle.service';

/**
 * The distributed mode's node side of the controller: heartbeats recorded as
 * node Leases (any process), and the node lifecycle (the leader only). The
 * distributed start-up adds these to the app's providers and calls
 * `NodeHeartbeats.start()` and `NodeLifecycle.start()` after the cluster
 * state has started, `stop()` on both before closing the transport.
 */
export const LIFECYCLE_PROVIDERS = [NodeHeartbeats, NodeLifecycle];

export { NodeHeartbeats } from './node-heartbeats.service';
export { NodeLifecycle, NODE_LIFECYCLE_OPTIONS, type NodeLifecycleOptions } from './node-lifecycle.service';
