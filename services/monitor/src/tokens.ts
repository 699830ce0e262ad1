export const MONITOR_CONFIG = Symbol('MonitorConfig');
