/** Builds a `TableInfo` from discovered metadata; shared by the dialects, pure. */
import type { CompiledTableFilters } from './filters.js';
import type { ColumnInfo, TableInfo } from './types.js';

export interface IndexInfo {
  name: string;
  primary: boolean;
  /** Columns in index order. */
  columns: string[];
  /** False for indexes that cannot order a keyset scan (prefix, partial or expression indexes). */
  usable: boolean;
}

export interface TableMetadata {
  schema: string;
  table: string;
  /** All columns in table order, before column filters. */
  allColumns: ColumnInfo[];
  /** Primary key and unique indexes. */
  uniqueIndexes: IndexInfo[];
  filters: CompiledTableFilters;
  estimatedRows: number;
  avgRowBytes: number;
}

/**
 * Chunk key: the primary key; else a usable unique index over NOT NULL columns, preferring one whose columns are
 * the message key columns, then the one with the fewest columns (ties: by name, for a stable choice).
 */
export function chooseChunkKey(allColumns: readonly ColumnInfo[], uniqueIndexes: readonly IndexInfo[], keyColumns: readonly string[]): string[] {
  const pk = uniqueIndexes.find((i) => i.primary);
  if (pk) return pk.columns.slice();
  const notNull = new Set(allColumns.filter((c) => !c.nullable).map((c) => c.name));
  const candidates = uniqueIndexes
    .filter((i) => i.usable && i.columns.length > 0 && i.columns.every((c) => notNull.has(c)))
    .sort((a, b) => a.columns.length - b.columns.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sameSet = (cols: readonly string[]) => cols.length === keyColumns.length && cols.every((c) => keyColumns.includes(c));
  const preferred = candidates.find((i) => sameSet(i.columns)) ?? candidates[0];
  return preferred ? preferred.columns.slice() : [];
}

export function assembleTable(m: TableMetadata): TableInfo {
  const pk = m.uniqueIndexes.find((i) => i.primary)?.columns ?? [];
  const columns = m.allColumns.filter((c) => m.filters.includeColumn(m.schema, m.table, c.name));
  const keyColumns = m.filters.keyColumnsFor(m.schema, m.table) ?? pk;
  const chunkKey = chooseChunkKey(m.allColumns, m.uniqueIndexes, keyColumns);
  const kept = new Set(columns.map((c) => c.name));
  const extraKeyColumns = chunkKey.filter((k) => !kept.has(k)).map((k) => m.allColumns.find((c) => c.name === k)!);
  return {
    id: { schema: m.schema, table: m.table },
    name: `${m.schema}.${m.table}`,
    columns,
    primaryKey: pk.slice(),
    keyColumns: keyColumns.slice(),
    chunkKey,
    extraKeyColumns,
    estimatedRows: Number.isFinite(m.estimatedRows) && m.estimatedRows > 0 ? Math.round(m.estimatedRows) : 0,
    avgRowBytes: Number.isFinite(m.avgRowBytes) && m.avgRowBytes > 0 ? Math.round(m.avgRowBytes) : 0,
  };
}
