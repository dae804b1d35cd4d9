export type * from './plugin.js';
export type { SnapshotCommand } from '../../snapshot/signals.js';
export type * from './config-def.js';
export * from './config-validation.js';
export { SECRET_MASK, configValueToString, invalidValueMessage } from './config-values.js';
export * from './secrets.js';
export * from './connector-config.js';
export { SIGNAL_CONFIG_KEYS, signalSettings, type SignalSettings } from './signal-config.js';
export { heartbeatTopic, heartbeatTopicKeys } from './heartbeat-config.js';
