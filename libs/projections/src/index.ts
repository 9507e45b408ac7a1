export * from './cluster-view';
export * from './point-in-time';
export * from './kube-events';
export * from './object-streams';
export * from './snapshot-part';
export * from './snapshot-codec';
export * from './snapshot-retention';
