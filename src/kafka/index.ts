export { createKafkaClient } from './kafkajs-adapter.js';
export type { KafkaClientOptions } from './kafkajs-adapter.js';
export { KafkaError, translateKafkaError, hasKafkaErrorType } from './errors.js';
export type * from './types.js';
