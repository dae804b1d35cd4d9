export { createKafkaClient, plaintextConnection } from './platformatic-adapter.js';
export type { KafkaClientOptions } from './platformatic-adapter.js';
export { KafkaError, translateKafkaError, hasKafkaErrorType } from './errors.js';
export type * from './types.js';
