import type { ConnectSchema } from './connect-schema.js';
import { formatDouble, formatFloat, quote } from './json-format.js';

/**
 * A Connect value as the text Kafka Connect's default header converter (`SimpleHeaderConverter`) writes for it:
 * a struct as `{"name":value,...}` in field order, strings quoted inside structs and bare at the top level,
 * numbers as Java prints them, bytes in base64. Debezium's `__debezium.oldkey`/`newkey` headers hold key structs.
 */
export function headerText(schema: ConnectSchema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (schema?.type === 'string' || typeof value === 'string') return value as string;
  return embedded(schema, value);
}

function embedded(schema: ConnectSchema | null, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (schema?.type) {
    case 'float64': return formatDouble(value as number);
    case 'float32': return formatFloat(value as number);
    case 'struct': {
      const row = value as Record<string, unknown>;
      return '{' + (schema.fields ?? []).map((f) => quote(f.field) + ':' + embedded(f, row[f.field])).join(',') + '}';
    }
    case 'array': return '[' + (value as unknown[]).map((v) => embedded(schema.items ?? null, v)).join(',') + ']';
    default:
      if (typeof value === 'string') return quote(value);
      if (Buffer.isBuffer(value)) return quote(value.toString('base64'));
      return String(value);
  }
}
