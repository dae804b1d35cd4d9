/**
 * Kafka Connect's schema model, shaped like the JSON Connect's JsonConverter writes under `"schema"` when
 * `schemas.enable=true` (the converter in `json-converter.ts` writes it byte for byte; note Connect names
 * float32/float64 `"float"`/`"double"` there, and writes keys in its own fixed order).
 *
 * Values that travel with these schemas are plain JS data:
 *  int8/int16/int32/float32/float64 → number; int64 → number when it fits in 2^53, else bigint;
 *  boolean → boolean; string → string; bytes → Buffer; array → unknown[]; map → Map or plain object;
 *  struct → plain object keyed by field name (fields in schema order); null for an absent optional value.
 */
export type ConnectType =
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'float32' | 'float64'
  | 'boolean' | 'string' | 'bytes'
  | 'array' | 'map' | 'struct';

export interface ConnectSchema {
  type: ConnectType;
  optional: boolean;
  /** Logical type or record name, e.g. `io.debezium.time.Date`, `dbserver1.inventory.customers.Value`. */
  name?: string;
  version?: number;
  doc?: string;
  default?: unknown;
  /** String-valued parameters, e.g. Decimal's `scale` and `connect.decimal.precision`. */
  parameters?: Record<string, string>;
  /** For `struct`: the fields in order. */
  fields?: ConnectField[];
  /** For `array`. */
  items?: ConnectSchema;
  /** For `map`. */
  keys?: ConnectSchema;
  values?: ConnectSchema;
}

export interface ConnectField extends ConnectSchema {
  field: string;
}
