/**
 * @continuum/kafka/nest — the NestJS side of Continuum's Kafka runtime: `KafkaModule.forRoot` for
 * the providers, and `KafkaBatchTransport`, a custom transporter whose handlers are
 * `@EventPattern('<topic key>', { batch: true })` controller methods with `@Payload()` records and a
 * `@Ctx()` KafkaBatchContext; `ModelRegistryService`, ct.model-versions followed and folded as a
 * provider (the base of each service's own, which passes its group and readiness-check names).
 */
export { KafkaModule, KAFKA_CLIENT, KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka.module';
export { KafkaBatchTransport, KafkaBatchContext, type BatchPatternOptions } from './batch-transport';
export {
  ModelRegistryService,
  ModelRegistryDependencies,
  type ModelRegistryServiceOptions,
} from './model-registry.service';
