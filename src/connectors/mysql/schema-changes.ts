/**
 * `tableChanges` of Debezium's schema change events, from the table definitions INFORMATION_SCHEMA gives right
 * after the DDL was read.
 */
import type { ColumnInfo, TableInfo } from '../../../snapshot/index.js';
import type { DdlStatement } from '../../../binlog/mysql/index.js';
import type { TableRegistry } from './tables.js';

/** java.sql.Types codes, as Debezium reports `jdbcType`. */
const JDBC: Record<string, number> = {
  bit: -7, tinyint: -6, smallint: 5, mediumint: 4, int: 4, integer: 4, bigint: -5, float: 7, double: 8, real: 8,
  decimal: 3, numeric: 3, char: 1, varchar: 12, tinytext: 12, text: 12, mediumtext: 12, longtext: 12, json: 1111,
  enum: 1, set: 1, binary: -2, varbinary: -3, tinyblob: -3, blob: -4, mediumblob: -4, longblob: -4,
  date: 91, time: 92, datetime: 93, timestamp: 2014, year: 4, geometry: 1111, point: 1111, uuid: 1, inet4: 1, inet6: 1,
};

function column(c: ColumnInfo) {
  const typeName = c.nativeType.toUpperCase();
  return {
    name: c.name,
    jdbcType: JDBC[c.nativeType] ?? 1111,
    nativeType: null,
    typeName,
    typeExpression: typeName,
    charsetName: c.charset,
    length: c.length ?? c.precision ?? c.datetimePrecision ?? null,
    scale: c.scale,
    position: c.ordinal,
    optional: c.nullable,
    autoIncremented: c.autoIncrement,
    generated: c.autoIncrement,
    comment: c.comment || null,
    defaultValueExpression: c.defaultValue,
    enumValues: c.enumValues,
  };
}

function table(info: TableInfo) {
  return {
    defaultCharsetName: null,
    primaryKeyColumnNames: info.primaryKey,
    columns: info.columns.map(column),
    comment: null,
  };
}

const id = (database: string, name: string) => `"${database}"."${name}"`;

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
