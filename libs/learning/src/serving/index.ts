export * from './serving-contract';
export * from './serving-model';
export * from './warm-up';
