/** Small record and schema helpers shared by Debezium's transforms. */
import type { ConnectField, ConnectSchema } from '../../../schemas/index.js';
import { DEBEZIUM_VERSION } from '../../../schemas/index.js';
import type { ChangeRecord } from '../types.js';

/** Debezium's transforms report the Debezium release as their version. */
export const TRANSFORM_VERSION = DEBEZIUM_VERSION;

/**
 * Whether a value schema is a change event envelope. Debezium decides by the name alone (`….Envelope`), so
 * heartbeats, schema changes and transaction metadata records are recognised as not being change events.
 */
export function isEnvelopeSchema(schema: ConnectSchema | null): schema is ConnectSchema {
  return schema?.type === 'struct' && schema.name !== undefined && schema.name.endsWith('.Envelope');
}

export function fieldOf(schema: ConnectSchema | null | undefined, name: string): ConnectField | undefined {
  return schema?.fields?.find((f) => f.field === name);
}

/**
 * A copy of `record` with `changes`, and `extraHeaders` added to its headers (one of the same name is replaced, as
 * our headers hold one value per name).
 */
export function derive(record: ChangeRecord, changes: Partial<ChangeRecord>, extraHeaders: Readonly<Record<string, string | Buffer>> | null = null): ChangeRecord {
  const out = { ...record, ...changes };
  if (extraHeaders !== null) out.headers = record.headers === undefined ? extraHeaders : { ...record.headers, ...extraHeaders };
  return out;
}

/** A field's schema without the field name: Connect field schemas and our ConnectField objects differ only by it. */
export function schemaOfField(f: ConnectField): ConnectSchema {
  const { field: _name, ...schema } = f;
  return schema;
}
