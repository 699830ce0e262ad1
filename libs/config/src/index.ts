export * from './config-field';
export * from './load-config';
