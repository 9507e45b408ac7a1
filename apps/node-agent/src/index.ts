export * from './image-registry';
export * from './node-fleet';
export * from './simulated-kubelet';
