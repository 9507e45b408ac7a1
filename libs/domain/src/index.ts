// Public API of @daemonledger/domain. One `export *` per module; append new lines below.
export * from './errors';
export * from './api/types';
export * from './api/schemas';
export * from './api/decode';
export * from './api/defaults';
export * from './api/field-errors';
export * from './api/status';
export * from './api/label-selector';
export * from './api/field-selector';
export * from './api/quantity';
export * from './api/daemon-set-strategy';
export * from './api/validation/names';
export * from './api/validation/meta';
export * from './api/validation/pod-spec';
export * from './api/validation/daemon-set';
export * from './api/validation/node';
export * from './api/validation/controller-revision';
