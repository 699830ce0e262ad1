/**
 * @continuum/registry — the model registry's pure core: the fold of `ct.model-versions` into
 * models, versions, stages and audit trails (`RegistryView`), the stage state machine, builders of
 * the events the registry writes, the REST contract and a typed fetch-based `RegistryClient`;
 * `RegistryEventFixture` builds those events with defaults for the tests of every package that folds them.
 * No Kafka, no NestJS, no file system.
 */
export * from './model';
export * from './stage-machine';
export * from './registry-view';
export * from './registry-events';
export * from './api';
export * from './registry-client';
export * from './registry-fixtures';
