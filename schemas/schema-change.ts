import { arrayOf, boolean, field, int32, int64, string, struct } from './builders.js';
import type { ConnectSchema } from './connect-schema.js';

const optString = string({ optional: true });
const optInt32 = int32({ optional: true });
const optBoolean = boolean({ optional: true });

/** `io.debezium.connector.schema.Column` v1 (a column in `tableChanges`). */
export const schemaChangeColumnSchema: ConnectSchema = struct([
  field('name', string()),
  field('jdbcType', int32()),
  field('nativeType', optInt32),
  field('typeName', string()),
  field('typeExpression', optString),
  field('charsetName', optString),
  field('length', optInt32),
  field('scale', optInt32),
  field('position', int32()),
  field('optional', optBoolean),
  field('autoIncremented', optBoolean),
  field('generated', optBoolean),
  field('comment', optString),
  field('defaultValueExpression', optString),
  field('enumValues', arrayOf(string(), { optional: true })),
], { name: 'io.debezium.connector.schema.Column', version: 1 });

/** `io.debezium.connector.schema.Table` v1, optional (absent for DROP). */
export const schemaChangeTableSchema: ConnectSchema = struct([
  field('defaultCharsetName', optString),
  field('primaryKeyColumnNames', arrayOf(string(), { optional: true })),
  field('columns', arrayOf(schemaChangeColumnSchema)),
  field('comment', optString),
], { optional: true, name: 'io.debezium.connector.schema.Table', version: 1 });

/** `io.debezium.connector.schema.Change` v1: type `CREATE`/`ALTER`/`DROP`, id `"db"."table"`, table. */
export const schemaChangeSchema: ConnectSchema = struct([
  field('type', string()),
  field('id', string()),
  field('table', schemaChangeTableSchema),
], { name: 'io.debezium.connector.schema.Change', version: 1 });

/** Key of the schema change topic (`<topic.prefix>`): `io.debezium.connector.<connector>.SchemaChangeKey`. */
export function schemaChangeKeySchema(connector: string): ConnectSchema {
  return struct([field('databaseName', string())], { name: `io.debezium.connector.${connector}.SchemaChangeKey`, version: 1 });
}

/** Value of the schema change topic: source, ts_ms, databaseName, schemaName, ddl, tableChanges. */
export function schemaChangeValueSchema(connector: string, source: ConnectSchema): ConnectSchema {
  return struct([
    field('source', source),
    field('ts_ms', int64()),
    field('databaseName', optString),
    field('schemaName', optString),
    field('ddl', optString),
    field('tableChanges', arrayOf(schemaChangeSchema)),
  ], { name: `io.debezium.connector.${connector}.SchemaChangeValue`, version: 1 });
}

/** Heartbeat topic key: `io.debezium.connector.common.ServerNameKey` { serverName }. */
export const heartbeatKeySchema: ConnectSchema = struct([field('serverName', string())], {
  name: 'io.debezium.connector.common.ServerNameKey', version: 1,
});

/** Heartbeat topic value: `io.debezium.connector.common.Heartbeat` { ts_ms }. */
export const heartbeatValueSchema: ConnectSchema = struct([field('ts_ms', int64())], {
  name: 'io.debezium.connector.common.Heartbeat', version: 1,
});


