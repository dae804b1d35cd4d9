import type { ConnectField, ConnectSchema } from '../connect-schema.js';
import { dataCollectionTopic } from '../topic-names.js';
import { connectDefault, mysqlDefault } from '../column-default.js';
import type { MySqlColumn, MySqlTable } from './column.js';
import { columnMapping, fieldOf, type Encoder, type TypeModes } from './types.js';

export interface TableCodecOptions {
  topicPrefix: string;
  modes: TypeModes;
  /** Column filter (`column.include.list`/`column.exclude.list`), by column name; all columns when absent. */
  includeColumn?: (column: MySqlColumn) => boolean;
  /** `message.key.columns` for this table; the primary key when absent or empty. */
  keyColumns?: readonly string[] | null;
}

/**
 * Everything needed to turn rows of one table (one definition of it) into Connect values. Built once per
 * table definition; the per-row functions only index arrays and call the column encoders.
 */
export interface TableCodec {
  readonly table: MySqlTable;
  /** `<prefix>.<db>.<table>` */
  readonly topic: string;
  readonly keySchema: ConnectSchema | null;
  /** The row struct `<prefix>.<db>.<table>.Value` (the envelope's before/after). */
  readonly valueSchema: ConnectSchema;
  /** A row as an array in table column order (snapshot rows). */
  fromArray(row: readonly unknown[]): Record<string, unknown>;
  /** A row keyed by column name (binlog rows). */
  fromObject(row: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** Key struct taken from an encoded row; null when the table has no key. */
  key(value: Readonly<Record<string, unknown>>): Record<string, unknown> | null;
}

export function buildTableCodec(table: MySqlTable, options: TableCodecOptions): TableCodec {
  const base = dataCollectionTopic(options.topicPrefix, table.database, table.table);
  const included: { column: MySqlColumn; index: number; encode: Encoder; encodeBinlog: Encoder; binlogUndefined: unknown }[] = [];
  const fields: ConnectField[] = [];
  for (let i = 0; i < table.columns.length; i++) {
    const column = table.columns[i]!;
    if (options.includeColumn && !options.includeColumn(column) && !table.primaryKey.includes(column.name)) continue;
    const mapping = columnMapping(column, options.modes);
    included.push({ column, index: i, encode: mapping.encode, encodeBinlog: mapping.encodeBinlog ?? mapping.encode, binlogUndefined: mapping.binlogUndefined ?? null });
    const dflt = defaultOf(column, mapping.encode);
    fields.push(fieldOf(column.name, dflt === undefined ? mapping.schema : { ...mapping.schema, default: dflt }));
  }
  const valueSchema: ConnectSchema = { type: 'struct', optional: true, name: `${base}.Value`, fields };

  const keyNames = options.keyColumns && options.keyColumns.length > 0 ? options.keyColumns : table.primaryKey;
  const keyFields = keyNames
    .map((name) => fields.find((f) => f.field === name))
    .filter((f): f is NonNullable<typeof f> => f !== undefined)
    .map((f) => ({ ...f, optional: false }));
  const keySchema: ConnectSchema | null = keyFields.length === 0 ? null
    : { type: 'struct', optional: false, name: `${base}.Key`, fields: keyFields };
  const keyColumnNames = keyFields.map((f) => f.field);

  const n = included.length;
  const names = included.map((c) => c.column.name);
  const indexes = included.map((c) => c.index);
  const encoders = included.map((c) => c.encode);
  const binlogEncoders = included.map((c) => c.encodeBinlog);
  const binlogUndefined = included.map((c) => c.binlogUndefined);

  return {
    table,
    topic: base,
    keySchema,
    valueSchema,
    fromArray(row) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const raw = row[indexes[i]!];
        out[names[i]!] = raw === null || raw === undefined ? null : encoders[i]!(raw);
      }
      return out;
    },
    fromObject(row) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const name = names[i]!;
        const raw = row[name];
        out[name] = raw === undefined ? binlogUndefined[i] : raw === null ? null : binlogEncoders[i]!(raw);
      }
      return out;
    },
    key(value) {
      if (keySchema === null) return null;
      const out: Record<string, unknown> = {};
      for (const name of keyColumnNames) out[name] = value[name] ?? null;
      return out;
    },
  };
}

/** Debezium's "now" default of a temporal column: its epoch. */
export const MYSQL_EPOCH_TEXT: Readonly<Record<string, string>> = {
  timestamp: '1970-01-01 00:00:00', datetime: '1970-01-01 00:00:00', date: '1970-01-01', time: '00:00:00',
};
/** Types whose default text is not a value the column's encoder reads (bit literals, spatial, binary strings). */
const NO_DEFAULT = new Set(['bit', 'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon',
  'geomcollection', 'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'uuid', 'inet4', 'inet6']);

/** The column's default in the Connect schema, as Debezium declares it; undefined when it has none. */
function defaultOf(column: MySqlColumn, encode: Encoder): unknown {
  if (NO_DEFAULT.has(column.dataType)) return undefined;
  return connectDefault(mysqlDefault(column.defaultValue), MYSQL_EPOCH_TEXT[column.dataType], encode);
}
