/** Debezium's event model: Connect schemas, logical types and their value encoders, envelopes, converters. */
export type { ConnectField, ConnectSchema, ConnectType } from './connect-schema.js';
export type { Converter, ConvertedBytes } from './converter.js';
export { asBuffer, SplicedBytes } from './converter.js';
export * from './builders.js';
export * from './errors.js';
export * from './temporal.js';
export { civilOf, epochDayOf } from './temporal-parse.js';
export * from './interval.js';
export * from './decimal.js';
export * from './binary.js';
export * from './data-types.js';
export * from './source.js';
export * from './envelope.js';
export * from './schema-change.js';
export * from './json-converter.js';
export { formatDouble, formatFloat } from './json-format.js';
export * from './avro-schema.js';
export * from './avro-converter.js';
