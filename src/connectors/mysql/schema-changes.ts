/**
 * Debezium's schema change events for MySQL/MariaDB: the `tableChanges` of a DDL statement read while streaming,
 * from the table definitions INFORMATION_SCHEMA gives right after it, and the events a snapshot writes first (the
 * server's character set, DROP/CREATE of every captured table and database) so that a consumer of the schema
 * change topic can rebuild the captured schema, as from Debezium's schema history.
 */
import type { ChangeRecord } from '../../connect-api/index.js';
import { mysqlDefault } from '../../../schemas/index.js';
import { MYSQL_EPOCH_TEXT } from '../../../schemas/mysql/index.js';
import type { ColumnInfo, TableInfo } from '../../../snapshot/index.js';
import type { DdlStatement } from '../../../binlog/mysql/index.js';
import type { RecordFactory } from './change-events.js';
import type { MasterPosition, Query } from './server.js';
import type { TableRegistry } from './tables.js';

/** java.sql.Types codes, as Debezium's DDL parser reports `jdbcType`. */
const JDBC: Record<string, number> = {
  bit: -7, tinyint: 5, smallint: 5, mediumint: 4, int: 4, integer: 4, bigint: -5, float: 6, double: 8, real: 8,
  decimal: 3, numeric: 3, char: 1, varchar: 12, tinytext: 12, text: 12, mediumtext: 12, longtext: 12, json: 12,
  enum: 1, set: 1, binary: -2, varbinary: -3, tinyblob: 2004, blob: 2004, mediumblob: 2004, longblob: 2004,
  date: 91, time: 92, datetime: 93, timestamp: 2014, year: 4,
};
const INTEGERS = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const REALS = new Set(['float', 'double', 'real']);
const STRINGS = new Set(['char', 'varchar', 'binary', 'varbinary']);
const TEMPORAL = new Set(['time', 'datetime', 'timestamp']);

/** `(M)` or `(M,D)` of a COLUMN_TYPE such as `int(11) unsigned`, `float(7,3)`. */
function declared(columnType: string): [number, number | null] | null {
  const m = /^\w+\((\d+)(?:,(\d+))?\)/.exec(columnType);
  return m ? [Number(m[1]), m[2] === undefined ? null : Number(m[2])] : null;
}

/** A column as Debezium's DDL parser describes it (length is the display width of integers, etc.). */
function column(c: ColumnInfo) {
  const t = c.nativeType === 'json' ? 'longtext' : c.nativeType; // MariaDB's JSON is LONGTEXT with a check
  const typeName = t.toUpperCase() + (c.unsigned ? ' UNSIGNED' : '');
  const d = declared(c.columnType);
  let length: number | null = null;
  let scale: number | null = null;
  if (INTEGERS.has(t) || t === 'bit' || t === 'year') length = d?.[0] ?? c.length ?? (t === 'year' ? 4 : null);
  else if (REALS.has(t)) [length, scale] = d ? [d[0], d[1]] : [null, null];
  else if (t === 'decimal' || t === 'numeric') [length, scale] = [c.precision, c.scale];
  else if (STRINGS.has(t)) length = c.length;
  else if (TEMPORAL.has(t)) length = c.datetimePrecision ? c.datetimePrecision : null;
  else if (t === 'enum') length = 1;
  else if (t === 'set') length = (c.enumValues ?? []).join(',').length;
  const dflt = mysqlDefault(c.defaultValue);
  return {
    name: c.name,
    jdbcType: JDBC[t] ?? 1111,
    nativeType: null,
    typeName,
    typeExpression: typeName,
    charsetName: c.charset,
    length,
    scale,
    position: c.ordinal,
    optional: c.nullable,
    autoIncremented: c.autoIncrement,
    generated: c.autoIncrement,
    comment: c.comment || null,
    defaultValueExpression: dflt === null ? null : dflt.kind === 'now' ? MYSQL_EPOCH_TEXT[t] ?? null : dflt.text,
    enumValues: c.enumValues ? c.enumValues.map((v) => `'${v.replace(/'/g, "''")}'`) : null,
  };
}

function table(info: TableInfo) {
  return {
    defaultCharsetName: info.charset ?? null,
    primaryKeyColumnNames: info.primaryKey,
    columns: info.columns.map(column),
    comment: null,
  };
}

const id = (database: string, name: string) => `"${database}"."${name}"`;
const quoted = (name: string) => '`' + name.replace(/`/g, '``') + '`';

export function tableChanges(st: DdlStatement, current: ReadonlyMap<string, TableInfo | undefined>, registry: TableRegistry): unknown[] {
  const out: unknown[] = [];
  for (const t of st.tables) {
    if (!registry.includeTable(t.database, t.table)) continue;
    const info = current.get(`${t.database}.${t.table}`);
    if (!info) out.push({ type: 'DROP', id: id(t.database, t.table), table: null });
    else out.push({ type: st.kind === 'CREATE' ? 'CREATE' : 'ALTER', id: id(t.database, t.table), table: table(info) });
  }
  return out;
}

/**
 * The schema change events a snapshot starts with, as Debezium's: the server's character set; DROP TABLE IF EXISTS
 * of every captured table; per database DROP DATABASE IF EXISTS, CREATE DATABASE, USE; then each table's
 * SHOW CREATE TABLE. All carry the snapshot's binlog position, `snapshot: true` and server id 0.
 */
export async function snapshotSchemaEvents(q: Query, tables: readonly TableInfo[], factory: RecordFactory, at: MasterPosition): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  const event = (database: string, tableName: string | null, ddl: string, changes: unknown[]) => {
    const now = Date.now();
    const source = factory.source({
      tsMs: now, snapshot: 'true', db: database, table: tableName, serverId: 0, gtid: null, file: at.file, pos: at.pos, row: 0, thread: null,
    });
    out.push(factory.schemaChange(source, database, ddl, changes, now));
  };
  const vars = await q<{ Variable_name: string; Value: string }>("SHOW VARIABLES WHERE Variable_name IN ('character_set_server', 'collation_server')");
  const v = (name: string) => vars.find((r) => r.Variable_name === name)?.Value ?? '';
  event('', null, `SET character_set_server=${v('character_set_server')}, collation_server=${v('collation_server')}`, []);
  for (const t of tables) event(t.id.schema, t.id.table, `DROP TABLE IF EXISTS ${quoted(t.id.schema)}.${quoted(t.id.table)}`, [{ type: 'DROP', id: id(t.id.schema, t.id.table), table: null }]);
  const databases = [...new Set(tables.map((t) => t.id.schema))];
  for (const db of databases) {
    const [schema] = await q<{ cs: string; co: string }>(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db]);
    event(db, null, `DROP DATABASE IF EXISTS ${quoted(db)}`, []);
    event(db, null, `CREATE DATABASE ${quoted(db)} CHARSET ${schema?.cs ?? ''} COLLATE ${schema?.co ?? ''}`, []);
    event(db, null, `USE ${quoted(db)}`, []);
    for (const t of tables.filter((x) => x.id.schema === db)) {
      const [row] = await q<Record<string, string>>(`SHOW CREATE TABLE ${quoted(db)}.${quoted(t.id.table)}`);
      event(db, t.id.table, row?.['Create Table'] ?? '', [{ type: 'CREATE', id: id(db, t.id.table), table: table(t) }]);
    }
  }
  return out;
}
