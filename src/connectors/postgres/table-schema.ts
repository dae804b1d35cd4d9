/**
 * A captured table's Kafka side: topic, key and envelope schemas, and the functions turning a row of
 * PostgreSQL text values (snapshot row or pgoutput tuple) into key and row structs. Built once per table and
 * per schema change, shared by every event of the table.
 */
import {
  dataCollectionTopic, envelopeSchema, field, keySchema as keyStructSchema, postgresSourceSchema, rowSchema as rowStructSchema,
  connectDefault, postgresDefault, SchemaDataError, type ConnectField, type ConnectSchema,
} from '../../../schemas/index.js';
import { pgColumnMapping, type PgMappingOptions, type PgType } from '../../../schemas/postgres/index.js';
import { UNCHANGED_TOAST } from '../../../binlog/postgres/index.js';
import { CdcError } from '../../errors/index.js';

export interface ColumnSpec {
  name: string;
  type: PgType;
  typeMod: number;
  optional: boolean;
  /** Kept by the column filters (key columns are in the key even when filtered out of the row). */
  included: boolean;
  /** `pg_get_expr` of the column's default, or null/undefined. */
  defaultExpr?: string | null;
}

type Row = Record<string, unknown>;

export interface TableSchema {
  readonly schema: string;
  readonly table: string;
  readonly topic: string;
  readonly keySchema: ConnectSchema | null;
  /** `schema.table`, Debezium's data collection name. */
  readonly dataCollection: string;
  /** `<topic>.Envelope` */
  readonly envelope: ConnectSchema;
  /**
   * The row struct of `values` (input column order). Unchanged TOAST values are taken from `fallback` (the old
   * image under REPLICA IDENTITY FULL) when it has them, else become the column's unavailable-value placeholder.
   */
  row(values: ArrayLike<unknown>, fallback?: ArrayLike<unknown> | null): Row;
  /** The key struct of `values`, or null for tables without a key. */
  key(values: ArrayLike<unknown>): Row | null;
  /** The row of a key-only old image: key columns from `values`, others null (or their type's zero when required). */
  keyOnlyRow(values: ArrayLike<unknown>): Row;
}

export const POSTGRES_SOURCE_SCHEMA = postgresSourceSchema();


/** What Debezium's converters fall back to for a null in a required field. */
function zeroOf(schema: ConnectSchema): unknown {
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': case 'int64': case 'float32': case 'float64': return 0;
    case 'boolean': return false;
    case 'string': return '';
    case 'bytes': return Buffer.alloc(schema.name === 'org.apache.kafka.connect.data.Decimal' ? 1 : 0);
    case 'array': return [];
    case 'map': return {};
    case 'struct': return schema.name === 'io.debezium.data.VariableScaleDecimal' ? { scale: 0, value: Buffer.alloc(1) } : null;
  }
}

export interface TableSchemaInput {
  topicPrefix: string;
  schema: string;
  table: string;
  /** All columns in the order values arrive. */
  columns: readonly ColumnSpec[];
  /** Key columns in key order (primary key or message.key.columns); empty → null keys. */
  keyColumns: readonly string[];
  mapping: PgMappingOptions;
}

export function buildTableSchema(input: TableSchemaInput): TableSchema {
  const topic = dataCollectionTopic(input.topicPrefix, input.schema, input.table);
  const fields: ConnectField[] = [];
  const fieldNames: string[] = [];
  const fieldIdx: number[] = [];
  const encoders: Array<(t: string) => unknown> = [];
  const unavailable: unknown[] = [];
  const zeros: unknown[] = [];
  const required: boolean[] = [];
  const defaults: unknown[] = [];
  input.columns.forEach((c, i) => {
    if (!c.included) return;
    const m = pgColumnMapping({ name: c.name, type: c.type, typeMod: c.typeMod, optional: c.optional }, input.mapping);
    const dflt = defaultOf(c, m.encode);
    defaults.push(dflt);
    fields.push(field(c.name, dflt === undefined ? m.schema : { ...m.schema, default: dflt }));
    fieldNames.push(c.name);
    fieldIdx.push(i);
    encoders.push(m.encode);
    unavailable.push(m.unavailable);
    required.push(!m.schema.optional);
    zeros.push(zeroOf(m.schema));
  });

  const keyFields: ConnectField[] = [];
  const keyNames: string[] = [];
  const keyIdx: number[] = [];
  const keyEncoders: Array<(t: string) => unknown> = [];
  for (const name of input.keyColumns) {
    const i = input.columns.findIndex((c) => c.name === name);
    if (i < 0) continue;
    const c = input.columns[i]!;
    const m = pgColumnMapping({ name: c.name, type: c.type, typeMod: c.typeMod, optional: false }, input.mapping);
    keyFields.push(field(c.name, m.schema));
    keyNames.push(c.name);
    keyIdx.push(i);
    keyEncoders.push(m.encode);
  }
  const hasKey = keyFields.length > 0 && keyFields.length === input.keyColumns.length;
  const rowSchema = rowStructSchema(topic, fields);
  const where = `${input.schema}.${input.table}`;

  const encodeFailed = (column: string, err: unknown): CdcError => {
    const detail = err instanceof SchemaDataError ? err.message : err instanceof Error ? err.message : String(err);
    return new CdcError('PG_VALUE_CONVERSION', `Cannot convert the value of column ${where}.${column}: ${detail}`, {
      retriable: false, cause: err,
      fix: err instanceof SchemaDataError ? err.fix : 'Check the column type; report a bug if the type is supported.',
    });
  };

  return {
    schema: input.schema,
    table: input.table,
    topic,
    dataCollection: `${input.schema}.${input.table}`,
    keySchema: hasKey ? keyStructSchema(topic, keyFields) : null,
    envelope: envelopeSchema(topic, rowSchema, POSTGRES_SOURCE_SCHEMA),
    row(values, fallback) {
      const out: Row = {};
      for (let f = 0; f < fieldNames.length; f++) {
        const i = fieldIdx[f]!;
        let v = values[i];
        if (v === UNCHANGED_TOAST) {
          const old = fallback ? fallback[i] : undefined;
          if (typeof old !== 'string') {
            out[fieldNames[f]!] = unavailable[f] ?? (required[f] ? zeros[f] : null);
            continue;
          }
          v = old;
        }
        let value: unknown = null;
        if (typeof v === 'string') {
          try {
            value = encoders[f]!(v);
          } catch (err) {
            throw encodeFailed(fieldNames[f]!, err);
          }
        }
        out[fieldNames[f]!] = value === null && required[f] ? zeros[f] : value;
      }
      return out;
    },
    key(values) {
      if (!hasKey) return null;
      const out: Row = {};
      for (let k = 0; k < keyNames.length; k++) {
        const v = values[keyIdx[k]!];
        if (typeof v !== 'string') throw new CdcError('PG_KEY_MISSING', `Key column ${where}.${keyNames[k]} has no value in a change event`, {
          retriable: false,
          fix: 'The table needs a primary key (or message.key.columns naming NOT NULL columns) covered by its REPLICA IDENTITY; check ALTER TABLE ... REPLICA IDENTITY.',
        });
        try {
          out[keyNames[k]!] = keyEncoders[k]!(v);
        } catch (err) {
          throw encodeFailed(keyNames[k]!, err);
        }
      }
      return out;
    },
    keyOnlyRow(values) {
      // Debezium fills the columns a key-only old image lacks with their defaults
      const out = this.row(values, null);
      for (let f = 0; f < fieldNames.length; f++) {
        if (defaults[f] !== undefined && !keyNames.includes(fieldNames[f]!)) out[fieldNames[f]!] = defaults[f];
      }
      return out;
    },
  };
}

/** Debezium's "now" default of a temporal column: its epoch. */
const EPOCH_TEXT: Readonly<Record<string, string>> = {
  timestamptz: '1970-01-01 00:00:00+00', timestamp: '1970-01-01 00:00:00', date: '1970-01-01', time: '00:00:00', timetz: '00:00:00+00',
};

/** The column's default in the Connect schema, as Debezium declares it; undefined when it has none. */
function defaultOf(c: ColumnSpec, encode: (text: string) => unknown): unknown {
  return connectDefault(postgresDefault(c.defaultExpr), EPOCH_TEXT[(c.type.base ?? c.type).name], encode);
}
