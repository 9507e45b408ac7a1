// The generic stored-object kinds: one event family, one decider, one fold, a definition per kind.
export * from './kind-def';
export * from './core-kinds';
export * from './service';
export * from './rbac';
export * from './lease';
export * from './priority-class';
export * from './registry';
export * from './object.decider';
export * from './namespace-lifecycle';
