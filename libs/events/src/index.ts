export * from './codec';
export * from './contract';
export * from './errors';
export * from './generated/contracts';
export * from './schema-registry';
export * from './topics';
export * from './wire-format';
export * from './validation';
