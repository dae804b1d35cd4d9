/**
 * TimestampConverter$Key / TimestampConverter$Value: converts a timestamp field (or, with `field` empty, the whole
 * key/value) between text (`format`, a SimpleDateFormat pattern in UTC), Unix time (`unix.precision`), and
 * Connect's Date, Time and Timestamp. The input kind comes from the schema: a Connect Date/Time/Timestamp by
 * name, else a string is text and an int64 is Unix time (so Debezium's `io.debezium.time.Timestamp` reads as Unix
 * milliseconds and `MicroTimestamp` with `unix.precision=microseconds`). Schemaless values are read by their type
 * (a JS Date is a Timestamp); there, Date/Time/Timestamp results are JS Dates, as Connect gives java.util.Dates.
 *
 * As in Connect: a field the struct does not have leaves the record as it is (a connector's topics need not all
 * have it); sub-millisecond digits are lost. A null key/value passes through.
 */
import { int64, string, toInt64 } from '../../../schemas/builders.js';
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import { connectDateSchema, connectTimeSchema, connectTimestampSchema, TemporalName } from '../../../schemas/temporal.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  copySchemaBasics, fieldValue, mapCopy, mapGet, mapSet, perSchema, requireMap, requireStruct, typeName, type StructValue,
} from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { compileDatePattern, formatDate, parseDate, type DatePattern } from './java-date-format.js';
import { booleanSetting, keyAndValue, onSide, REPLACE_NULL_WITH_DEFAULT, stringSetting, type RecordSide } from './plugin-kit.js';

type Kind = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
type Precision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

const configDef: ConfigDef = {
  keys: [
    { name: 'field', type: 'STRING', default: '', importance: 'HIGH', documentation: 'The field holding the timestamp; empty when the whole key/value is the timestamp.' },
    {
      name: 'target.type', type: 'STRING', importance: 'HIGH', allowed: ['string', 'unix', 'Date', 'Time', 'Timestamp'],
      documentation: 'What to convert the timestamp to: string, unix, Date, Time or Timestamp.',
    },
    {
      name: 'format', type: 'STRING', default: '', importance: 'MEDIUM',
      documentation: 'A java.text.SimpleDateFormat pattern (applied in UTC): how to write the timestamp when target.type=string, and how to read string timestamps.',
      validate: (v) => {
        if (typeof v !== 'string' || v.trim() === '') return undefined;
        const compiled = compileDatePattern(v);
        return 'error' in compiled ? `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${compiled.error}` : undefined;
      },
    },
    {
      name: 'unix.precision', type: 'STRING', default: 'milliseconds', importance: 'LOW',
      allowed: ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'],
      documentation: 'The unit of Unix timestamps, written when target.type=unix and read from int64 input: seconds, '
        + 'milliseconds, microseconds or nanoseconds. Digits finer than milliseconds are lost either way.',
    },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

function validate(config: PluginConfig): Record<string, string[]> {
  if (stringSetting(config, 'target.type') === 'string' && (stringSetting(config, 'format') ?? '').trim() === '') {
    return { format: ['TimestampConverter requires format option to be specified when using string timestamps'] };
  }
  return {};
}

const PURPOSE = 'converting timestamp formats';
const MILLIS_PER_DAY = 86_400_000;

const TARGET_SCHEMAS: Record<Kind, [ConnectSchema, ConnectSchema]> = {
  string: [string(), string({ optional: true })],
  unix: [int64(), int64({ optional: true })],
  Date: [connectDateSchema(), connectDateSchema({ optional: true })],
  Time: [connectTimeSchema(), connectTimeSchema({ optional: true })],
  Timestamp: [connectTimestampSchema(), connectTimestampSchema({ optional: true })],
};

const targetSchema = (kind: Kind, optional: boolean) => TARGET_SCHEMAS[kind][optional ? 1 : 0];

function kindOfSchema(schema: ConnectSchema, who: string): Kind {
  switch (schema.name) {
    case TemporalName.ConnectTimestamp: return 'Timestamp';
    case TemporalName.ConnectDate: return 'Date';
    case TemporalName.ConnectTime: return 'Time';
    default: break;
  }
  if (schema.type === 'string') return 'string';
  if (schema.type === 'int64') return 'unix';
  throw new TransformError(`${who}: Schema ${schema.type}${schema.name ? ` (${schema.name})` : ''} does not correspond to a known timestamp type format`);
}

function kindOfValue(value: unknown, who: string): Kind {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new TransformError(`${who}: TimestampConverter does not support ${typeName(value)} objects as timestamps`);
}

const UNITS_PER_MILLI: Record<Precision, bigint> = { seconds: 1n, milliseconds: 1n, microseconds: 1000n, nanoseconds: 1_000_000n };

function create(side: RecordSide, config: PluginConfig, who: string) {
  const fieldName = stringSetting(config, 'field') ?? '';
  const target = (stringSetting(config, 'target.type') ?? 'Timestamp') as Kind;
  const formatText = stringSetting(config, 'format') ?? '';
  const compiled = formatText.trim() === '' ? null : compileDatePattern(formatText);
  const format = compiled !== null && 'tokens' in compiled ? compiled : null;
  const precision = (stringSetting(config, 'unix.precision') ?? 'milliseconds') as Precision;
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  function needFormat(): DatePattern {
    if (format === null) throw new TransformError(`${who}: string timestamps need the format option, which is not set`);
    return format;
  }

  /** Epoch milliseconds of a timestamp of this kind. */
  function toMillis(value: unknown, kind: Kind): number {
    switch (kind) {
      case 'string': {
        if (typeof value !== 'string') throw new TransformError(`${who}: Expected string timestamp to be a String, but found ${typeName(value)}`);
        const ms = parseDate(needFormat(), value);
        if (typeof ms === 'object') throw new TransformError(`${who}: the pattern letter '${ms.unsupported}' of format ${formatText} cannot be parsed by this service`);
        if (ms === undefined) throw new TransformError(`${who}: Could not parse timestamp: value (${value}) does not match pattern (${formatText})`);
        return ms;
      }
      case 'unix': {
        if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) {
          throw new TransformError(`${who}: Expected Unix timestamp to be a Long, but found ${typeName(value)}`);
        }
        if (precision === 'seconds') return Number(value) * 1000;
        if (precision === 'milliseconds') return Number(value);
        // Truncating toward zero, as Java's TimeUnit conversions do.
        return Number(BigInt(value) / UNITS_PER_MILLI[precision]);
      }
      default: {
        if (value instanceof Date) return value.getTime();
        if (typeof value !== 'number') throw new TransformError(`${who}: Expected ${kind} to be a number or Date, but found ${typeName(value)}`);
        return kind === 'Date' ? value * MILLIS_PER_DAY : value;
      }
    }
  }

  /** The timestamp as the target kind: Connect's numbers with a schema, JS Dates for Date/Time/Timestamp without. */
  function fromMillis(ms: number, schemaless: boolean): unknown {
    switch (target) {
      case 'string': return formatDate(needFormat(), ms);
      case 'unix':
        if (precision === 'seconds') return Math.trunc(ms / 1000);
        return toInt64(BigInt(ms) * UNITS_PER_MILLI[precision]);
      case 'Date': {
        const days = Math.floor(ms / MILLIS_PER_DAY);
        return schemaless ? new Date(days * MILLIS_PER_DAY) : days;
      }
      case 'Time': {
        const ofDay = ms - Math.floor(ms / MILLIS_PER_DAY) * MILLIS_PER_DAY;
        return schemaless ? new Date(ofDay) : ofDay;
      }
      default: return schemaless ? new Date(ms) : ms;
    }
  }

  /** `kind` null: schemaless, the value's type tells. */
  const convert = (value: unknown, kind: Kind | null): unknown =>
    value === null || value === undefined ? null : fromMillis(toMillis(value, kind ?? kindOfValue(value, who)), kind === null);

  const wholeKind = perSchema((schema: ConnectSchema) => kindOfSchema(schema, who));
  const plan = perSchema((schema: ConnectSchema) => {
    const index = (schema.fields ?? []).findIndex((f) => f.field === fieldName);
    if (index < 0) return null;
    const source = schema.fields![index]!;
    const fields = schema.fields!.map((f, i): ConnectField => (i === index ? { ...targetSchema(target, f.optional), field: f.field } : f));
    const kind = kindOfSchema(source, who);
    const out: ConnectSchema = { ...copySchemaBasics(schema, 'struct'), optional: schema.optional, fields };
    if (schema.default != null) {
      const dflt = schema.default as StructValue;
      out.default = { ...dflt, [fieldName]: convert(dflt[fieldName], kind) };
    }
    return { schema: out, kind };
  });

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      if (fieldName === '') return side.with(record, null, convert(value, null));
      const out = mapCopy(requireMap(value, PURPOSE, who));
      mapSet(out, fieldName, convert(mapGet(out, fieldName), null));
      return side.with(record, null, out);
    }
    if (fieldName === '') return side.with(record, targetSchema(target, schema.optional), convert(value, wholeKind(schema)));
    const row = requireStruct(schema, value, PURPOSE, who);
    const p = plan(schema);
    if (p === null) return record;
    const out: StructValue = {};
    for (const f of schema.fields!) out[f.field] = fieldValue(row, f, replaceNullWithDefault);
    out[fieldName] = convert(out[fieldName], p.kind);
    return side.with(record, p.schema, out);
  });
}

export const timestampConverterPlugins = keyAndValue('TimestampConverter', { configDef, validate, create });
