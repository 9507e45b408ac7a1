// Kubernetes wire documents: Tables, discovery, /version, OpenAPI v3. Pure; no Nest, no I/O.
export * from './duration';
export * from './printers';
export * from './pod-printer';
export * from './rollout-printer';
export * from './tables';
export * from './discovery';
export * from './openapi';
