/** Table discovery for MySQL/MariaDB from information_schema. */
import type { Logger } from '../src/logging/index.js';
import type { CompiledTableFilters } from './filters.js';
import { openMySql, type MySqlConnectionConfig } from '../src/db/mysql.js';
import { assembleTable, type IndexInfo } from './table-info.js';
import type { ColumnInfo, DbConnectionConfig, TableInfo } from './types.js';
import { translateDriverError } from './errors.js';

const SYSTEM_DATABASES = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** Values of `enum('a','b''c')` / `set(...)` as declared. */
export function parseEnumValues(columnType: string): string[] | null {
  const m = /^(?:enum|set)\((.*)\)$/is.exec(columnType.trim());
  if (!m) return null;
  const values: string[] = [];
  const re = /'((?:[^'\\]|''|\\.)*)'/g;
  let v: RegExpExecArray | null;
  while ((v = re.exec(m[1]!)) !== null) values.push(v[1]!.replace(/''/g, "'").replace(/\\(.)/g, '$1'));
  return values;
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

function toColumn(r: Record<string, unknown>): ColumnInfo {
  const dataType = String(r.DATA_TYPE).toLowerCase();
  const columnType = String(r.COLUMN_TYPE);
  const isBit = dataType === 'bit';
  return {
    name: String(r.COLUMN_NAME),
    ordinal: Number(r.ORDINAL_POSITION),
    nativeType: dataType,
    columnType,
    nullable: r.IS_NULLABLE === 'YES',
    length: isBit ? num(r.NUMERIC_PRECISION) : num(r.CHARACTER_MAXIMUM_LENGTH),
    precision: isBit ? null : num(r.NUMERIC_PRECISION),
    scale: isBit ? null : num(r.NUMERIC_SCALE),
    datetimePrecision: num(r.DATETIME_PRECISION),
    unsigned: /\bunsigned\b/i.test(columnType),
    enumValues: dataType === 'enum' || dataType === 'set' ? parseEnumValues(columnType) : null,
    charset: r.CHARACTER_SET_NAME == null ? null : String(r.CHARACTER_SET_NAME),
    // MySQL 8 marks expression defaults DEFAULT_GENERATED and writes them bare, like literals: keep them apart
    defaultValue: r.COLUMN_DEFAULT == null ? null : /DEFAULT_GENERATED/i.test(String(r.EXTRA ?? '')) ? `(${String(r.COLUMN_DEFAULT)})` : String(r.COLUMN_DEFAULT),
    autoIncrement: /auto_increment/i.test(String(r.EXTRA ?? '')),
    typeOid: null,
    comment: r.COLUMN_COMMENT ? String(r.COLUMN_COMMENT) : null,
  };
}

export async function discoverMysqlTables(config: DbConnectionConfig, filters: CompiledTableFilters, _logger?: Logger): Promise<TableInfo[]> {
  const conn = await openMySql(config as MySqlConnectionConfig).catch((err: unknown) => {
    throw translateDriverError(err, 'connecting to discover tables');
  });
  try {
    const tableRows = await conn.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, AVG_ROW_LENGTH, TABLE_COLLATION FROM information_schema.TABLES " +
        "WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA NOT IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME",
      [SYSTEM_DATABASES],
    );
    const selected = tableRows.filter((r) => filters.includeTable(String(r.TABLE_SCHEMA), String(r.TABLE_NAME)));
    if (selected.length === 0) return [];
    const schemas = [...new Set(selected.map((r) => String(r.TABLE_SCHEMA)))];
    const columnRows = await conn.query(
      'SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, ' +
        'CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, ' +
        'COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?) ' +
        'ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION',
      [schemas],
    );
    const indexRows = await conn.query(
      'SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART ' +
        'FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
      [schemas],
    );
    const columns = new Map<string, ColumnInfo[]>();
    for (const r of columnRows) {
      const key = `${r.TABLE_SCHEMA}.${r.TABLE_NAME}`;
      let list = columns.get(key);
      if (!list) columns.set(key, (list = []));
      list.push(toColumn(r));
    }
    const indexes = new Map<string, Map<string, IndexInfo>>();
    for (const r of indexRows) {
      if (Number(r.NON_UNIQUE) !== 0) continue;
      const key = `${r.TABLE_SCHEMA}.${r.TABLE_NAME}`;
      let byName = indexes.get(key);
      if (!byName) indexes.set(key, (byName = new Map()));
      const name = String(r.INDEX_NAME);
      let idx = byName.get(name);
      if (!idx) byName.set(name, (idx = { name, primary: name === 'PRIMARY', columns: [], usable: true }));
      idx.columns.push(String(r.COLUMN_NAME));
      // A prefix index orders by the prefix only, so it cannot drive ORDER BY on the full column.
      if (r.SUB_PART != null) idx.usable = false;
    }
    return selected.map((r) => {
      const schema = String(r.TABLE_SCHEMA);
      const table = String(r.TABLE_NAME);
      const key = `${schema}.${table}`;
      const info = assembleTable({
        schema,
        table,
        allColumns: columns.get(key) ?? [],
        uniqueIndexes: [...(indexes.get(key)?.values() ?? [])],
        filters,
        estimatedRows: Number(r.TABLE_ROWS ?? 0),
        avgRowBytes: Number(r.AVG_ROW_LENGTH ?? 0),
      });
      // A collation names its character set first: utf8mb4_general_ci, latin1_swedish_ci
      info.charset = r.TABLE_COLLATION == null ? null : String(r.TABLE_COLLATION).split('_')[0]!;
      return info;
    });
  } catch (err) {
    throw translateDriverError(err, 'discovering tables');
  } finally {
    conn.destroy();
  }
}
