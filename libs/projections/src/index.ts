export * from './cluster-view';
export * from './point-in-time';
export * from './kube-events';
export * from './rollout-timelines';
export * from './rollout-record';
export type { RolloutRecord, RolloutRecordView, RolloutRecordSnapshot } from './rollout-steps';
export * from './event-summary';
export * from './rollout-audit';
