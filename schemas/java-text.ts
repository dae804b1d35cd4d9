import type { ConnectSchema } from './connect-schema.js';
import { DecimalName, encodeDecimal } from './decimal.js';
import { formatDouble, formatFloat } from './json-format.js';
import { TemporalName } from './temporal.js';

/**
 * A Connect value as Java's `toString()` prints the object Connect would hold for it, which is what Kafka
 * Connect's StringConverter writes: a Struct as `Struct{id=1,name=x}` (null fields left out), a List as
 * `[a, b]`, a Map as `{k=v}`, a Decimal as `BigDecimal.toString()`, a Connect Date/Time/Timestamp as
 * `java.util.Date.toString()` in UTC. Where Java's text is meaningless (a `byte[]` prints as `[B@<identity hash>`)
 * we write base64, and a map keeps its entries in insertion order where Java's HashMap order is hash order.
 */
export function javaText(schema: ConnectSchema | null, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (schema === null) return schemaless(value);
  switch (schema.name) {
    case DecimalName.Decimal: return bigDecimalText(unscaled(value, Number(schema.parameters?.['scale'] ?? 0)), Number(schema.parameters?.['scale'] ?? 0));
    case TemporalName.ConnectDate: return javaDate(value instanceof Date ? value.getTime() : Number(value) * 86_400_000);
    case TemporalName.ConnectTime: case TemporalName.ConnectTimestamp: return javaDate(value instanceof Date ? value.getTime() : Number(value));
    default: break;
  }
  switch (schema.type) {
    case 'struct': {
      const row = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const f of schema.fields ?? []) {
        const v = row[f.field];
        if (v !== null && v !== undefined) parts.push(f.field + '=' + javaText(f, v));
      }
      return 'Struct{' + parts.join(',') + '}';
    }
    case 'array': return '[' + (value as unknown[]).map((v) => javaText(schema.items ?? null, v)).join(', ') + ']';
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      return '{' + entries.map(([k, v]) => javaText(schema.keys ?? null, k) + '=' + javaText(schema.values ?? null, v)).join(', ') + '}';
    }
    case 'float64': return javaDouble(Number(value));
    case 'float32': return javaFloat(Number(value));
    default: return schemaless(value);
  }
}

function schemaless(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string': return value;
    case 'number': return Number.isInteger(value) ? String(value) : javaDouble(value);
    case 'bigint': case 'boolean': return String(value);
    default: break;
  }
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return javaDate(value.getTime());
  if (Array.isArray(value)) return '[' + value.map(schemaless).join(', ') + ']';
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  return '{' + entries.map(([k, v]) => schemaless(k) + '=' + schemaless(v)).join(', ') + '}';
}

/** `Double.toString`: as the JSON form, but NaN and the infinities bare. */
function javaDouble(d: number): string {
  return Number.isFinite(d) ? formatDouble(d) : d !== d ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity';
}

function javaFloat(f: number): string {
  return Number.isFinite(f) ? formatFloat(f) : javaDouble(f);
}

function unscaled(value: unknown, scale: number): bigint {
  return unscaledOf(value instanceof Uint8Array ? value : encodeDecimal(String(value), scale));
}

/** Connect Decimal bytes (big-endian two's complement) → the unscaled value. */
export function unscaledOf(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let n = BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
  if (bytes[0]! & 0x80) n -= 1n << BigInt(bytes.length * 8);
  return n;
}

/** `BigDecimal.toString()`: plain when the scale is not negative and the adjusted exponent is at least -6, else scientific. */
export function bigDecimalText(unscaledValue: bigint, scale: number): string {
  const sign = unscaledValue < 0n ? '-' : '';
  const coeff = (unscaledValue < 0n ? -unscaledValue : unscaledValue).toString();
  const adjusted = coeff.length - 1 - scale;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + coeff;
    const padded = coeff.padStart(scale + 1, '0');
    return sign + padded.slice(0, -scale) + '.' + padded.slice(-scale);
  }
  const mantissa = coeff.length > 1 ? coeff[0] + '.' + coeff.slice(1) : coeff;
  return sign + mantissa + 'E' + (adjusted >= 0 ? '+' : '') + adjusted;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `java.util.Date.toString()` in a JVM whose time zone is UTC: `Sun Jan 04 00:00:00 UTC 1970`. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** The Java class of the object Connect would hold for a value of this schema, as `Class.toString()` prints it. */
export function javaClass(schema: ConnectSchema | null, value: unknown): string {
  if (schema?.name === DecimalName.Decimal) return 'class java.math.BigDecimal';
  if (schema?.name === TemporalName.ConnectDate || schema?.name === TemporalName.ConnectTime || schema?.name === TemporalName.ConnectTimestamp) return 'class java.util.Date';
  const type = schema?.type ?? schemalessType(value);
  return 'class ' + ({
    int8: 'java.lang.Byte', int16: 'java.lang.Short', int32: 'java.lang.Integer', int64: 'java.lang.Long', float32: 'java.lang.Float',
    float64: 'java.lang.Double', boolean: 'java.lang.Boolean', string: 'java.lang.String', bytes: '[B', struct: 'org.apache.kafka.connect.data.Struct',
    array: 'java.util.ArrayList', map: 'java.util.HashMap',
  } as Record<string, string>)[type];
}

/** The Connect type a schemaless value would be inferred as (integral numbers as int32 when they fit, else int64). */
export function schemalessType(value: unknown): string {
  switch (typeof value) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'bigint': return 'int64';
    case 'number': return !Number.isInteger(value) ? 'float64' : value >= -(2 ** 31) && value < 2 ** 31 ? 'int32' : 'int64';
    default: break;
  }
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  return 'map';
}
