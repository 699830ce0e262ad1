export * from './health';
export * from './json-logger';
export * from './metrics';
export * from './observability.module';
export * from './run-service';
export * from './dependency-wait';
export * from './text-log';
export * from './connection-state';
