export { createKafkaClient, plaintextConnection } from './platformatic-adapter.js';
export type { KafkaClientOptions } from './platformatic-adapter.js';
export { createWorkerGroupClient, WorkerGroupError, type WorkerGroupErrorKind } from './worker-group.js';
export { KafkaError, translateKafkaError, hasKafkaErrorType } from './errors.js';
export type * from './types.js';
export { clientConnection, clientProps, withClientOverrides, parseJaasConfig, SECURITY_KEYS, type ClientProps, type ClientRole } from './client-config.js';
export { producerSettings, COMPRESSION_TYPES, DEFAULT_MAX_REQUEST_BYTES, type ProducerSettings } from './producer-config.js';
// The worker's REST server reads `ssl.*` (or `listeners.https.ssl.*`) with the same rules as the Kafka clients.
export { parseTls } from './tls-config.js';
export { Settings } from './client-settings.js';
