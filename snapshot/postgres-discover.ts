/** Table discovery for PostgreSQL from the system catalogs. */
import type { Logger } from '../src/logging/index.js';
import type { CompiledTableFilters } from './filters.js';
import { translateDriverError } from './errors.js';
import { destroyPg, openPg, type PgClient, type PgConnectionConfig } from '../src/db/postgres.js';
import { assembleTable, type IndexInfo } from './table-info.js';
import type { ColumnInfo, DbConnectionConfig, TableInfo } from './types.js';

// Plain tables and leaf partitions ('r'); partitioned parents hold no rows of their own and pgoutput publishes
// changes under the leaf partitions unless publish_via_partition_root is set.
const TABLES_SQL = `
SELECT c.oid::int8 AS oid, n.nspname, c.relname, c.reltuples::float8 AS reltuples, pg_relation_size(c.oid)::float8 AS bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
ORDER BY n.nspname, c.relname`;

const COLUMNS_SQL = `
SELECT a.attrelid::int8 AS relid, a.attname, a.attnum, a.attnotnull,
  format_type(a.atttypid, a.atttypmod) AS column_type, a.atttypid::int8 AS type_oid,
  COALESCE(bt.typname, t.typname) AS native_type, COALESCE(bt.oid, t.oid)::int8 AS base_oid,
  information_schema._pg_char_max_length(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS char_len,
  information_schema._pg_numeric_precision(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS num_precision,
  information_schema._pg_numeric_scale(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS num_scale,
  information_schema._pg_datetime_precision(information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)) AS dt_precision,
  pg_get_expr(d.adbin, d.adrelid) AS default_value, a.attidentity, col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const ENUMS_SQL = `SELECT enumtypid::int8 AS oid, array_agg(enumlabel::text ORDER BY enumsortorder) AS labels FROM pg_enum GROUP BY enumtypid`;

// Only key attributes (indnkeyatts), and only plain-column, non-partial indexes can order a keyset scan.
const INDEXES_SQL = `
SELECT i.indrelid::int8 AS relid, ic.relname AS name, i.indisprimary AS primary,
  (i.indkey::int2[])[0:i.indnkeyatts - 1] AS attnums,
  (i.indexprs IS NULL AND i.indpred IS NULL AND i.indisvalid) AS usable
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indisunique AND i.indrelid = ANY($1::oid[])`;

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A snapshot connection: named so in pg_stat_activity unless the caller names it. */
export function openSnapshotClient(config: DbConnectionConfig, doing: string): Promise<PgClient> {
  const pgConfig = config as PgConnectionConfig;
  return openPg({ ...pgConfig, applicationName: pgConfig.applicationName ?? 'tscdc-snapshot' }).catch((err: unknown) => {
    throw translateDriverError(err, doing);
  });
}

export async function discoverPostgresTables(config: DbConnectionConfig, filters: CompiledTableFilters, _logger?: Logger): Promise<TableInfo[]> {
  const client = await openSnapshotClient(config, 'connecting to discover tables');
  try {
    const tables = (await client.query(TABLES_SQL)).rows.filter((r: Row) => filters.includeTable(String(r.nspname), String(r.relname)));
    if (tables.length === 0) return [];
    const oids = tables.map((t: Row) => String(t.oid));
    const [columnRows, enumRows, indexRows] = [
      (await client.query(COLUMNS_SQL, [oids])).rows as Row[],
      (await client.query(ENUMS_SQL)).rows as Row[],
      (await client.query(INDEXES_SQL, [oids])).rows as Row[],
    ];
    const enums = new Map(enumRows.map((r) => [String(r.oid), r.labels as string[]]));
    const columns = new Map<string, ColumnInfo[]>();
    const attnames = new Map<string, Map<number, string>>();
    for (const r of columnRows) {
      const relid = String(r.relid);
      if (!columns.has(relid)) {
        columns.set(relid, []);
        attnames.set(relid, new Map());
      }
      const def = r.default_value == null ? null : String(r.default_value);
      columns.get(relid)!.push({
        name: String(r.attname),
        ordinal: Number(r.attnum),
        nativeType: String(r.native_type),
        columnType: String(r.column_type),
        nullable: !r.attnotnull,
        length: num(r.char_len),
        precision: num(r.num_precision),
        scale: num(r.num_scale),
        datetimePrecision: num(r.dt_precision),
        unsigned: false,
        enumValues: enums.get(String(r.base_oid)) ?? null,
        charset: null,
        defaultValue: def,
        autoIncrement: r.attidentity === 'a' || r.attidentity === 'd' || (def !== null && /^nextval\(/i.test(def)),
        typeOid: Number(r.type_oid),
        comment: r.comment == null ? null : String(r.comment),
      });
      attnames.get(relid)!.set(Number(r.attnum), String(r.attname));
    }
    const indexes = new Map<string, IndexInfo[]>();
    for (const r of indexRows) {
      const relid = String(r.relid);
      const names = attnames.get(relid) ?? new Map<number, string>();
      const attnums = (r.attnums as number[]).map(Number);
      const cols = attnums.map((n) => names.get(n));
      // attnum 0 marks an expression column.
      const usable = Boolean(r.usable) && cols.every((c) => c !== undefined);
      const list = indexes.get(relid) ?? [];
      list.push({ name: String(r.name), primary: Boolean(r.primary), columns: cols.filter((c): c is string => c !== undefined), usable });
      indexes.set(relid, list);
    }
    return tables.map((t: Row) => {
      const relid = String(t.oid);
      const reltuples = Number(t.reltuples);
      const bytes = Number(t.bytes);
      return assembleTable({
        schema: String(t.nspname),
        table: String(t.relname),
        allColumns: columns.get(relid) ?? [],
        uniqueIndexes: indexes.get(relid) ?? [],
        filters,
        estimatedRows: reltuples > 0 ? reltuples : 0,
        avgRowBytes: reltuples > 0 ? bytes / reltuples : 0,
      });
    });
  } catch (err) {
    throw translateDriverError(err, 'discovering tables');
  } finally {
    destroyPg(client);
  }
}
