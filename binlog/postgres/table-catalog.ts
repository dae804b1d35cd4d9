/**
 * Column definitions straight from pg_attribute (type oid, typmod, NOT NULL) and primary keys, for the tables
 * being captured. Snapshot and streaming both build their table schemas from these, so the two agree; pgoutput
 * Relation messages carry types but neither nullability nor the primary key.
 */
import type { PgClient } from '../../src/db/postgres.js';

export interface CatalogColumn {
  name: string;
  typeOid: number;
  typeMod: number;
  notNull: boolean;
  /** `pg_get_expr` of the column's default, or null. */
  defaultExpr: string | null;
}

export interface CatalogTable {
  schema: string;
  table: string;
  /** Live columns in attnum order. */
  columns: CatalogColumn[];
  primaryKey: string[];
  replicaIdentity: 'default' | 'nothing' | 'full' | 'index';
}

const SQL = `
SELECT n.nspname, c.relname, c.relreplident,
       (SELECT json_agg(json_build_object('name', a.attname, 'typeOid', a.atttypid::int8, 'typeMod', a.atttypmod, 'notNull', a.attnotnull,
              'defaultExpr', (SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = '')) ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
       (SELECT json_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum))
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey::int2[])
         WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

const IDENT: Record<string, CatalogTable['replicaIdentity']> = { d: 'default', n: 'nothing', f: 'full', i: 'index' };

export async function readCatalogTables(
  client: PgClient, tables: ReadonlyArray<{ schema: string; table: string }>,
): Promise<Map<string, CatalogTable>> {
  const out = new Map<string, CatalogTable>();
  if (tables.length === 0) return out;
  const res = await client.query(SQL, [tables.map((t) => t.schema), tables.map((t) => t.table)]);
  for (const r of res.rows as Array<{ nspname: string; relname: string; relreplident: string; columns: unknown; pk: unknown }>) {
    const columns = ((r.columns ?? []) as Array<{ name: string; typeOid: number | string; typeMod: number; notNull: boolean; defaultExpr: string | null }>).map((c) => ({
      name: c.name, typeOid: Number(c.typeOid), typeMod: Number(c.typeMod), notNull: c.notNull === true, defaultExpr: c.defaultExpr ?? null,
    }));
    out.set(`${r.nspname}.${r.relname}`, {
      schema: r.nspname,
      table: r.relname,
      columns,
      primaryKey: (r.pk ?? []) as string[],
      replicaIdentity: IDENT[r.relreplident] ?? 'default',
    });
  }
  return out;
}
