export * from './transport.port';
export * from './in-process.transport';
export * from './node-messages';
export * from './open-transport';
