import { int32, int64, string, type SchemaOptions, type ValueMapping } from './builders.js';
import { civilOf, NANOS_PER_DAY, parseDate, parsed, parseTime, parseTimestamp } from './temporal-parse.js';

/** Debezium's and Connect's temporal logical types (all version 1). */
export const TemporalName = {
  Date: 'io.debezium.time.Date',
  Time: 'io.debezium.time.Time',
  MicroTime: 'io.debezium.time.MicroTime',
  NanoTime: 'io.debezium.time.NanoTime',
  Timestamp: 'io.debezium.time.Timestamp',
  MicroTimestamp: 'io.debezium.time.MicroTimestamp',
  NanoTimestamp: 'io.debezium.time.NanoTimestamp',
  ZonedTimestamp: 'io.debezium.time.ZonedTimestamp',
  ZonedTime: 'io.debezium.time.ZonedTime',
  Year: 'io.debezium.time.Year',
  MicroDuration: 'io.debezium.time.MicroDuration',
  Interval: 'io.debezium.time.Interval',
  ConnectDate: 'org.apache.kafka.connect.data.Date',
  ConnectTime: 'org.apache.kafka.connect.data.Time',
  ConnectTimestamp: 'org.apache.kafka.connect.data.Timestamp',
} as const;

const named = (name: string, opts: SchemaOptions = {}) => ({ ...opts, name, version: 1 });

/** int32 days since 1970-01-01. */
export const dateSchema = (o?: SchemaOptions) => int32(named(TemporalName.Date, o));
/** int32 milliseconds past midnight. */
export const timeSchema = (o?: SchemaOptions) => int32(named(TemporalName.Time, o));
/** int64 microseconds past midnight (MySQL: signed duration). */
export const microTimeSchema = (o?: SchemaOptions) => int64(named(TemporalName.MicroTime, o));
export const nanoTimeSchema = (o?: SchemaOptions) => int64(named(TemporalName.NanoTime, o));
/** int64 milliseconds since the epoch, no time zone. */
export const timestampSchema = (o?: SchemaOptions) => int64(named(TemporalName.Timestamp, o));
export const microTimestampSchema = (o?: SchemaOptions) => int64(named(TemporalName.MicroTimestamp, o));
export const nanoTimestampSchema = (o?: SchemaOptions) => int64(named(TemporalName.NanoTimestamp, o));
/** ISO-8601 string with offset, e.g. `2011-12-03T10:15:30.030431Z`. */
export const zonedTimestampSchema = (o?: SchemaOptions) => string(named(TemporalName.ZonedTimestamp, o));
export const zonedTimeSchema = (o?: SchemaOptions) => string(named(TemporalName.ZonedTime, o));
export const yearSchema = (o?: SchemaOptions) => int32(named(TemporalName.Year, o));
export const connectDateSchema = (o?: SchemaOptions) => int32(named(TemporalName.ConnectDate, o));
export const connectTimeSchema = (o?: SchemaOptions) => int32(named(TemporalName.ConnectTime, o));
export const connectTimestampSchema = (o?: SchemaOptions) => int64(named(TemporalName.ConnectTimestamp, o));

export type TimePrecisionMode = 'adaptive' | 'adaptive_time_microseconds' | 'connect';

/** Upper/lower int64 that Debezium's PostgreSQL connector uses for `infinity`/`-infinity` timestamps. */
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

// ---- encoders: text → value --------------------------------------------------------------------------------

/** Days since the epoch, or null for zero/invalid dates. */
export function encodeDate(text: string): number | null {
  return parseDate(text) ? parsed.days : null;
}

/** Milliseconds of a time of day / duration (truncated toward zero), or null. */
export function encodeTimeMillis(text: string): number | null {
  return parseTime(text) ? Math.trunc(parsed.nanos / 1e6) : null;
}

export function encodeTimeMicros(text: string): number | null {
  return parseTime(text) ? Math.trunc(parsed.nanos / 1e3) : null;
}

export function encodeTimeNanos(text: string): number | null {
  return parseTime(text) ? parsed.nanos : null;
}

function infinity(text: string): bigint | null {
  if (text === 'infinity') return INT64_MAX;
  if (text === '-infinity') return INT64_MIN;
  return null;
}

/** Epoch milliseconds of a timestamp (offset applied when present), or null. Always fits a number. */
export function encodeTimestampMillis(text: string): number | bigint | null {
  if (!parseTimestamp(text)) return infinity(text);
  return parsed.days * 86_400_000 + Math.floor(parsed.nanoOfDay / 1e6);
}

/** Epoch microseconds: a number while it is exact (years ~1685..2255), else a bigint. */
export function encodeTimestampMicros(text: string): number | bigint | null {
  if (!parseTimestamp(text)) return infinity(text);
  return epochScaled(parsed.days, parsed.nanoOfDay, 1000);
}

export function encodeTimestampNanos(text: string): number | bigint | null {
  if (!parseTimestamp(text)) return infinity(text);
  return epochScaled(parsed.days, parsed.nanoOfDay, 1);
}

function epochScaled(days: number, nanoOfDay: number, divisor: number): number | bigint {
  const perDay = NANOS_PER_DAY / divisor;
  const ofDay = Math.floor(nanoOfDay / divisor);
  const approx = days * perDay + ofDay;
  if (Number.isSafeInteger(approx) && Math.abs(days * perDay) <= Number.MAX_SAFE_INTEGER) return approx;
  return BigInt(days) * BigInt(perDay) + BigInt(ofDay);
}

/**
 * Debezium's ZonedTimestamp string in UTC (`Z`), as `DateTimeFormatter.ISO_OFFSET_DATE_TIME` prints it: seconds
 * always, fraction with trailing zeros removed (none when zero), years beyond 9999 with `+`. With
 * `fractionalWidth` 1..9 the fraction has exactly that many digits. Text without offset is taken as UTC.
 */
export function encodeZonedTimestamp(text: string, fractionalWidth?: number): string | null {
  if (!parseTimestamp(text)) return text === 'infinity' || text === '-infinity' ? text : null;
  return formatIsoDateTime(parsed.days, parsed.nanoOfDay, fractionalWidth) + 'Z';
}

/** ZonedTimestamp from epoch milliseconds (e.g. a MySQL TIMESTAMP read as a JS Date). */
export function zonedTimestampFromEpochMillis(ms: number, micros = 0): string {
  const days = Math.floor(ms / 86_400_000);
  const nanoOfDay = (ms - days * 86_400_000) * 1e6 + micros * 1e3;
  return formatIsoDateTime(days, nanoOfDay) + 'Z';
}

/** ZonedTime in UTC (`ISO_OFFSET_TIME`), e.g. PostgreSQL `10:15:30.5+02` → `08:15:30.5Z`. */
export function encodeZonedTime(text: string): string | null {
  if (!parseTime(text) || parsed.nanos < 0) return null;
  let nanos = (parsed.nanos - parsed.offsetSeconds * 1e9) % NANOS_PER_DAY;
  if (nanos < 0) nanos += NANOS_PER_DAY;
  return formatIsoTime(nanos) + 'Z';
}

// ---- formatting --------------------------------------------------------------------------------------------

function pad2(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

function formatYear(y: number): string {
  if (y > 9999) return '+' + y;
  const abs = Math.abs(y);
  const s = abs < 10 ? '000' + abs : abs < 100 ? '00' + abs : abs < 1000 ? '0' + abs : '' + abs;
  return y < 0 ? '-' + s : s;
}

function formatFraction(nanos: number, width?: number): string {
  if (width !== undefined && width > 0 && width <= 9) {
    return '.' + String(nanos).padStart(9, '0').slice(0, width);
  }
  if (nanos === 0) return '';
  let s = String(nanos).padStart(9, '0');
  let end = 9;
  while (s.charCodeAt(end - 1) === 48) end--;
  return '.' + s.slice(0, end);
}

function formatIsoTime(nanoOfDay: number, width?: number): string {
  const secs = Math.floor(nanoOfDay / 1e9);
  const nanos = nanoOfDay - secs * 1e9;
  const h = Math.floor(secs / 3600);
  const m = Math.floor(secs / 60) % 60;
  return pad2(h) + ':' + pad2(m) + ':' + pad2(secs % 60) + formatFraction(nanos, width);
}

/** `yyyy-MM-ddTHH:mm:ss[.f]` of an epoch day and nanosecond of day, as Java's ISO_LOCAL_DATE_TIME. */
export function formatIsoDateTime(epochDay: number, nanoOfDay: number, fractionalWidth?: number): string {
  const [y, m, d] = civilOf(epochDay);
  return formatYear(y) + '-' + pad2(m) + '-' + pad2(d) + 'T' + formatIsoTime(nanoOfDay, fractionalWidth);
}

// ---- time.precision.mode -----------------------------------------------------------------------------------

/** DATE: Debezium's Date, or Connect's Date in `connect` mode (same int32 days). */
export function dateMapping(mode: TimePrecisionMode, o?: SchemaOptions): ValueMapping {
  return { schema: mode === 'connect' ? connectDateSchema(o) : dateSchema(o), encode: encodeDate };
}

/**
 * TIME(p): `adaptive` → Time (p ≤ 3), MicroTime (p ≤ 6), NanoTime; `adaptive_time_microseconds` → MicroTime;
 * `connect` → Connect's Time (int32 ms).
 */
export function timeMapping(mode: TimePrecisionMode, precision: number, o?: SchemaOptions): ValueMapping {
  if (mode === 'connect') return { schema: connectTimeSchema(o), encode: encodeTimeMillis };
  if (mode === 'adaptive_time_microseconds') return { schema: microTimeSchema(o), encode: encodeTimeMicros };
  if (precision <= 3) return { schema: timeSchema(o), encode: encodeTimeMillis };
  if (precision <= 6) return { schema: microTimeSchema(o), encode: encodeTimeMicros };
  return { schema: nanoTimeSchema(o), encode: encodeTimeNanos };
}

/** TIMESTAMP/DATETIME(p) without time zone: Timestamp (p ≤ 3), MicroTimestamp (p ≤ 6), NanoTimestamp; Connect's in `connect`. */
export function timestampMapping(mode: TimePrecisionMode, precision: number, o?: SchemaOptions): ValueMapping {
  if (mode === 'connect') return { schema: connectTimestampSchema(o), encode: encodeTimestampMillis };
  if (precision <= 3) return { schema: timestampSchema(o), encode: encodeTimestampMillis };
  if (precision <= 6) return { schema: microTimestampSchema(o), encode: encodeTimestampMicros };
  return { schema: nanoTimestampSchema(o), encode: encodeTimestampNanos };
}

