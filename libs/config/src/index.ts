export * from './config-field';
export * from './load-config';
export * from './duration';
export * from './logging-config';
export * from './document-fields';
export * from './window-field';
