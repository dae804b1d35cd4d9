/**
 * The signal table (`signal.data.collection`): where ad-hoc snapshot commands are inserted and where the task
 * writes its chunk watermarks. The task reads its inserts from its own change stream, so the table must be in
 * the publication; its changes are never emitted to Kafka.
 */
import type { PgClient } from '../../db/postgres.js';
import { ConfigError, SourcePrerequisiteError } from '../../errors/index.js';

export interface SignalTable {
  schema: string;
  table: string;
  /** `schema.table`, as configured. */
  name: string;
  /** Quoted for SQL. */
  sql: string;
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** `public.debezium_signal` → its parts; null when not configured. A name without a schema is refused. */
export function parseSignalTable(name: string | null): SignalTable | null {
  if (name === null) return null;
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1 || name.indexOf('.', dot + 1) >= 0) {
    throw new ConfigError(`'signal.data.collection' must name a table as <schema>.<table> (e.g. public.debezium_signal), got '${name}'`, 'signal.data.collection');
  }
  const schema = name.slice(0, dot);
  const table = name.slice(dot + 1);
  return { schema, table, name, sql: `${quoteIdent(schema)}.${quoteIdent(table)}` };
}

export const isSignalTable = (s: SignalTable | null, schema: string, table: string): boolean =>
  s !== null && s.schema === schema && s.table === table;

const CREATE_HINT = (s: SignalTable): string =>
  `CREATE TABLE ${s.sql} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048))`;

/**
 * Fails with a fix when the signal table is missing, lacks the columns, or the publication (unless null: not
 * checked) does not cover it.
 */
export async function checkSignalTable(client: PgClient, s: SignalTable, publication: string | null): Promise<void> {
  const cols = (await client.query(
    `SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`, [s.schema, s.table])).rows.map((r: { attname: string }) => r.attname);
  if (cols.length === 0) {
    throw new SourcePrerequisiteError('PG_SIGNAL_TABLE_MISSING', `The signal table ${s.name} (signal.data.collection) does not exist.`,
      `Create it: ${CREATE_HINT(s)}; and grant the connector user INSERT on it. Or unset signal.data.collection.`);
  }
  const missing = ['id', 'type', 'data'].filter((c) => !cols.includes(c));
  if (missing.length > 0) {
    throw new SourcePrerequisiteError('PG_SIGNAL_TABLE_COLUMNS', `The signal table ${s.name} lacks the column(s) ${missing.join(', ')}.`,
      `A signal table has the columns id, type and data: ${CREATE_HINT(s)}.`);
  }
  if (publication === null) return;
  const published = (await client.query(
    `SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3`, [publication, s.schema, s.table])).rows.length > 0;
  if (!published) {
    throw new SourcePrerequisiteError('PG_SIGNAL_TABLE_NOT_PUBLISHED',
      `The signal table ${s.name} is not in publication "${publication}", so the connector cannot see signals or its snapshot watermarks in the change stream.`,
      `Add it: ALTER PUBLICATION ${quoteIdent(publication)} ADD TABLE ${s.sql}; or use publication.autocreate.mode=filtered (adds it) or all_tables.`);
  }
}
