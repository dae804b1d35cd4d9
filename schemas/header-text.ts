import type { ConnectSchema } from './connect-schema.js';
import { DecimalName, encodeDecimal } from './decimal.js';
import { bigDecimalText, unscaledOf } from './java-text.js';
import { formatDouble, formatFloat } from './json-format.js';
import { TemporalName } from './temporal.js';

/**
 * A Connect value as the text Kafka Connect's default header converter (`SimpleHeaderConverter`, i.e.
 * `Values.convertToString`) writes for it: a struct as `{"name":value,...}` in field order (null fields as `null`),
 * a map as `{"k":v}`, strings quoted inside structs (only `"` and `\` escaped) and bare at the top level, numbers
 * as Java prints them (NaN bare), bytes in base64, a Decimal as `BigDecimal.toString()`, Connect's Date/Time/
 * Timestamp as `yyyy-MM-dd` / `HH:mm:ss.SSS'Z'` / `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`.
 * Debezium's `__debezium.oldkey`/`newkey` headers hold key structs.
 */
export function headerText(schema: ConnectSchema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // A Decimal's value may be held as text or bytes here; it is a BigDecimal in Connect.
  if (schema?.name === DecimalName.Decimal) return embedded(schema, value);
  if (schema?.type === 'string' || typeof value === 'string') return value as string;
  if (value instanceof Uint8Array) return base64(value);
  return embedded(schema, value);
}

function embedded(schema: ConnectSchema | null, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (schema?.name) {
    case DecimalName.Decimal: {
      const scale = Number(schema.parameters?.['scale'] ?? 0);
      return bigDecimalText(unscaledOf(value instanceof Uint8Array ? value : encodeDecimal(String(value), scale)), scale);
    }
    case TemporalName.ConnectDate: return isoOf(value, 86_400_000).slice(0, 10);
    case TemporalName.ConnectTime: return isoOf(value, 1).slice(11);
    case TemporalName.ConnectTimestamp: return isoOf(value, 1);
    default: break;
  }
  switch (schema?.type) {
    case 'float64': return javaNumber(formatDouble, value as number);
    case 'float32': return javaNumber(formatFloat, value as number);
    case 'struct': {
      const row = value as Record<string, unknown>;
      return '{' + (schema.fields ?? []).map((f) => quoted(f.field) + ':' + embedded(f, row[f.field])).join(',') + '}';
    }
    case 'array': return '[' + (value as unknown[]).map((v) => embedded(schema.items ?? null, v)).join(',') + ']';
    case 'map': return mapText(schema.keys ?? null, schema.values ?? null, value);
    default: break;
  }
  if (typeof value === 'string') return quoted(value);
  if (value instanceof Uint8Array) return '"' + base64(value) + '"';
  if (typeof value === 'number' && !Number.isInteger(value)) return javaNumber(formatDouble, value);
  if (Array.isArray(value)) return '[' + value.map((v) => embedded(null, v)).join(',') + ']';
  if (typeof value === 'object' && !(value instanceof Date)) return mapText(null, null, value);
  return String(value);
}

function mapText(keys: ConnectSchema | null, values: ConnectSchema | null, value: unknown): string {
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  return '{' + entries.map(([k, v]) => embedded(keys, k) + ':' + embedded(values, v)).join(',') + '}';
}

/** Values escapes only the quote and the backslash (control characters are written as they are). */
function quoted(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

function javaNumber(format: (n: number) => string, n: number): string {
  return Number.isFinite(n) ? format(n) : n !== n ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** A Connect Date (days) / Time, Timestamp (ms) value, or a JS Date, as ISO text with milliseconds in UTC. */
function isoOf(value: unknown, unitMs: number): string {
  return (value instanceof Date ? value : new Date(Number(value) * unitMs)).toISOString();
}
