export const MONITOR_CONFIG = Symbol('MonitorConfig');
/** Relays the stage 1 consumer group's assignments (configured in KafkaModule.forRoot) to PartitionWindowing. */
export const ASSIGNMENT_RELAY = Symbol('AssignmentRelay');
