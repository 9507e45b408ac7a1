export * from './cluster-view';
export * from './point-in-time';
export * from './kube-events';
