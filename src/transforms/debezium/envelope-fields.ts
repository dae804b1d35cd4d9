/**
 * ExtractNewRecordState's `add.fields` / `add.headers` entries: which envelope field each names, and the name it
 * gets in the flattened record.
 *
 * An entry is `field`, `struct.field`, or either followed by `:newName`. An unqualified name is looked up where
 * Debezium looks: `op`, `ts_ms`, `ts_us`, `ts_ns` at the top of the envelope; `id`, `total_order`,
 * `data_collection_order` in `transaction`; anything else in `source`. A field missing from that struct is looked up
 * at the top of the envelope (a field another transform added there); one found nowhere is left out. The new name
 * is the prefix plus `newName`, or `field`, or `struct_field` when the struct was named.
 */
import type { ConnectSchema } from '../../../schemas/index.js';
import { fieldOf, schemaOfField } from './records.js';

export interface FieldReference {
  /** The envelope struct holding the field, or null for a top-level field. */
  struct: string | null;
  field: string;
  /** The field or header name in the output. */
  outName: string;
}

/** A reference resolved against one envelope schema. */
export interface EnvelopeField {
  ref: FieldReference;
  /** The field's schema made optional, without its default (as Connect's copySchemaBasics makes it). */
  schema: ConnectSchema;
  read(envelope: Record<string, unknown>): unknown;
}

function hostStruct(field: string): string | null {
  switch (field) {
    case 'op': case 'ts_ms': case 'ts_us': case 'ts_ns': return null;
    case 'id': case 'total_order': case 'data_collection_order': return 'transaction';
    default: return 'source';
  }
}

/** Why an entry is malformed, or undefined. */
export function fieldReferenceProblem(entry: string): string | undefined {
  const parts = entry.split(':');
  if (parts.length > 2) return `"${entry}" has more than one ':'; use field, struct.field, or either followed by :newName`;
  const path = parts[0]!.split('.');
  if (path.length > 2 || path.some((p) => p === '')) return `"${entry}" must name a field as field or struct.field`;
  if (parts.length === 2 && parts[1] === '') return `"${entry}" has an empty new name after ':'`;
  return undefined;
}

export function parseFieldReferences(prefix: string, entries: readonly string[]): FieldReference[] {
  return entries.filter((e) => e !== '').map((entry) => {
    const [spec, alias] = entry.split(':') as [string, string | undefined];
    const path = spec.split('.');
    const field = path.length === 1 ? path[0]! : path[1]!;
    const struct = path.length === 1 ? hostStruct(field) : path[0]!;
    const outName = prefix + (alias ?? (path.length === 1 ? field : `${struct}_${field}`));
    return { struct, field, outName };
  });
}

function optionalCopy(schema: ConnectSchema): ConnectSchema {
  const { default: _default, ...rest } = schema;
  return { ...rest, optional: true };
}

/** The reference resolved against `envelope`, or null when the envelope has no such field. */
export function resolveField(ref: FieldReference, envelope: ConnectSchema): EnvelopeField | null {
  const host = ref.struct === null ? envelope : fieldOf(envelope, ref.struct);
  const inHost = fieldOf(host, ref.field);
  const found = inHost ?? fieldOf(envelope, ref.field);
  if (found === undefined) return null;
  const { struct, field } = ref;
  const read = inHost === undefined || struct === null
    ? (env: Record<string, unknown>) => env[field] ?? null
    : (env: Record<string, unknown>) => (env[struct] as Record<string, unknown> | null | undefined)?.[field] ?? null;
  return { ref, schema: optionalCopy(schemaOfField(found)), read };
}
