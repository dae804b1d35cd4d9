/**
 * Chunk planning: pure SQL text and arithmetic for keyset pagination. Every chunk query is built once per
 * table; per chunk only the parameter values change.
 *
 * Keyset pagination reads `WHERE (k1,k2) > (last) ORDER BY k1,k2 LIMIT n+1`: one row more than the chunk so the
 * engine knows whether a chunk is the table's last without an extra query (the extra row is read again as the
 * first row of the next chunk). PostgreSQL turns a row-value comparison into an index range; MariaDB 10.11 does
 * not (EXPLAIN shows a full index scan from the start, making a snapshot quadratic), so for MySQL/MariaDB a
 * composite key is compared in the expanded form `k1 >= ? AND (k1 > ? OR (k1 = ? AND k2 > ?))`, which both
 * servers read as a range on the key's index.
 */
import type { ColumnInfo, TableInfo } from './types.js';

/** Default rows per chunk (`snapshot.fetch.size`): large enough to amortise a round trip, small enough for memory. */
export const DEFAULT_FETCH_SIZE = 10_000;
/** Default upper bound of a chunk's estimated size in memory. */
export const DEFAULT_MAX_CHUNK_BYTES = 64 * 1024 * 1024;
const MIN_CHUNK_ROWS = 100;

/** The SQL spelling differences that matter to chunk queries. */
export interface SqlFlavor {
  quoteIdent(name: string): string;
  /** Whether `(a,b) > (x,y)` is read as an index range; if not, the expanded OR form is used. */
  rowComparison: boolean;
  /**
   * The i-th (0-based) placeholder as compared with `column`, cast where needed so the server compares in the
   * column's type and can use its index.
   */
  param(table: TableInfo, column: string, index: number): string;
  /** The select-list expression of a column (its quoted name unless the driver would read it inexactly). */
  select?(column: ColumnInfo): string;
}

function keyColumn(table: TableInfo, column: string) {
  return table.columns.find((c) => c.name === column) ?? table.extraKeyColumns.find((c) => c.name === column);
}

export const mysqlFlavor: SqlFlavor = {
  quoteIdent: (name) => '`' + name.replace(/`/g, '``') + '`',
  rowComparison: false,
  param(table, column) {
    // DECIMAL compared with a string parameter would be compared as DOUBLE; integers are passed as bigint.
    const col = keyColumn(table, column);
    if (col && col.nativeType === 'decimal' && col.precision !== null) return `CAST(? AS DECIMAL(${col.precision},${col.scale ?? 0}))`;
    return '?';
  },
  select(column) {
    // The driver parses DOUBLE text with 15 digits (94.24777960769379 → 94.2477796076938), and the server prints
    // FLOAT with 6 (4/3 → 1.33333): read both as the shortest exact text of the value, as the binlog has it.
    const name = mysqlFlavor.quoteIdent(column.name);
    if (column.nativeType === 'double') return `CAST(${name} AS CHAR) AS ${name}`;
    if (column.nativeType === 'float') return `CAST(CAST(${name} AS DOUBLE) AS CHAR) AS ${name}`;
    return name;
  },
};

export const postgresFlavor: SqlFlavor = {
  quoteIdent: (name) => '"' + name.replace(/"/g, '""') + '"',
  rowComparison: true,
  param(table, column, index) {
    // Parameters arrive as text; the cast makes the comparison happen in the column's type (and use its index).
    const col = keyColumn(table, column);
    return col ? `$${index + 1}::${col.columnType}` : `$${index + 1}`;
  },
};

/** Rows per chunk: `fetchSize`, reduced so that a chunk's estimated size stays within `maxChunkBytes`. */
export function chunkRows(fetchSize: number, avgRowBytes: number, maxChunkBytes: number): number {
  const size = Math.max(1, Math.floor(fetchSize));
  if (!(avgRowBytes > 0)) return size;
  const byBytes = Math.floor(maxChunkBytes / avgRowBytes);
  return Math.max(Math.min(size, MIN_CHUNK_ROWS), Math.min(size, byBytes));
}

/** The columns a chunk query selects: the table's columns, then chunk-key columns the filters left out. */
export function selectedColumns(table: TableInfo): string[] {
  return [...table.columns.map((c) => c.name), ...table.extraKeyColumns.map((c) => c.name)];
}

/** Positions of the chunk-key columns in a selected row. */
export function chunkKeyIndexes(table: TableInfo): number[] {
  const cols = selectedColumns(table);
  return table.chunkKey.map((k) => {
    const i = cols.indexOf(k);
    if (i < 0) throw new Error(`chunk key column ${k} is not selected from ${table.name}`);
    return i;
  });
}

export function qualifiedName(flavor: SqlFlavor, table: TableInfo): string {
  return `${flavor.quoteIdent(table.id.schema)}.${flavor.quoteIdent(table.id.table)}`;
}

/**
 * SQL with placeholders bound from key values: one slot per placeholder, in text order, saying which bound
 * (0 = lower, 1 = upper) and which chunk-key column fills it.
 */
export interface KeyQuery {
  sql: string;
  slots: ReadonlyArray<readonly [0 | 1, number]>;
}

export function bindKeyParams(query: KeyQuery, lower: readonly unknown[] | null, upper: readonly unknown[] | null): unknown[] {
  return query.slots.map(([bound, column]) => {
    const key = bound === 0 ? lower : upper;
    if (!key) throw new Error(`query needs a ${bound === 0 ? 'lower' : 'upper'} key`);
    return key[column];
  });
}

/** `key > bound` (op `>`) or `key <= bound` (op `<=`) over the chunk key, in the flavor's index-friendly form. */
function keyPredicate(flavor: SqlFlavor, table: TableInfo, op: '>' | '<=', bound: 0 | 1, slots: Array<readonly [0 | 1, number]>): string {
  const cols = table.chunkKey.map((c) => flavor.quoteIdent(c));
  const p = (i: number) => {
    slots.push([bound, i]);
    return flavor.param(table, table.chunkKey[i]!, slots.length - 1);
  };
  if (cols.length === 1) return `${cols[0]} ${op} ${p(0)}`;
  if (flavor.rowComparison) return `(${cols.join(', ')}) ${op} (${cols.map((_, i) => p(i)).join(', ')})`;
  // The leading guard gives the optimizer a range on the first key column.
  const guard = `${cols[0]} ${op === '>' ? '>=' : '<='} ${p(0)}`;
  const terms = cols.map((col, i) => {
    const parts = cols.slice(0, i).map((c, j) => `${c} = ${p(j)}`);
    parts.push(`${col} ${i === cols.length - 1 ? op : op === '>' ? '>' : '<'} ${p(i)}`);
    return `(${parts.join(' AND ')})`;
  });
  return `(${guard} AND (${terms.join(' OR ')}))`;
}

function columnList(flavor: SqlFlavor, columns: readonly string[]): string {
  return columns.map((c) => flavor.quoteIdent(c)).join(', ');
}

export interface ChunkQueries {
  /** First chunk: no lower bound. */
  first: KeyQuery;
  /** Following chunks: lower bound = the previous chunk's last key. */
  next: KeyQuery;
}

/** Keyset queries reading `limit` rows (callers pass chunk size + 1 to detect the last chunk). */
export function keysetQueries(flavor: SqlFlavor, table: TableInfo, limit: number): ChunkQueries {
  const base = fullScanQuery(flavor, table);
  const order = ` ORDER BY ${columnList(flavor, table.chunkKey)} LIMIT ${Math.floor(limit)}`;
  const slots: Array<readonly [0 | 1, number]> = [];
  const where = keyPredicate(flavor, table, '>', 0, slots);
  return { first: { sql: base + order, slots: [] }, next: { sql: `${base} WHERE ${where}${order}`, slots } };
}

/** A whole-table read, for tables without a chunk key. */
export function fullScanQuery(flavor: SqlFlavor, table: TableInfo): string {
  const columns = [...table.columns, ...table.extraKeyColumns];
  const list = flavor.select ? columns.map((c) => flavor.select!(c)).join(', ') : columnList(flavor, columns.map((c) => c.name));
  return `SELECT ${list} FROM ${qualifiedName(flavor, table)}`;
}

/**
 * Range query for a chunk of a table split ahead of time: `lower < key <= upper`, either bound optional. Ad-hoc
 * snapshot chunks add the user's filter (`condition`, a WHERE fragment) and a row limit.
 */
export function rangeQuery(
  flavor: SqlFlavor, table: TableInfo, hasLower: boolean, hasUpper: boolean, extra: { condition?: string | null; limit?: number } = {},
): KeyQuery {
  const slots: Array<readonly [0 | 1, number]> = [];
  const conds: string[] = [];
  if (hasLower) conds.push(keyPredicate(flavor, table, '>', 0, slots));
  if (hasUpper) conds.push(keyPredicate(flavor, table, '<=', 1, slots));
  if (extra.condition) conds.push(`(${extra.condition})`);
  const where = conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
  const limit = extra.limit === undefined ? '' : ` LIMIT ${Math.max(1, Math.floor(extra.limit))}`;
  return { sql: `${fullScanQuery(flavor, table)}${where} ORDER BY ${columnList(flavor, table.chunkKey)}${limit}`, slots };
}

/**
 * Query returning every `every`-th chunk key in key order (the last key of each full chunk) after an optional
 * lower bound, for splitting a table into ranges that parallel readers of one shared snapshot read
 * independently. It scans only the key.
 */
export function boundaryQuery(flavor: SqlFlavor, table: TableInfo, every: number, hasLower: boolean): KeyQuery {
  const cols = columnList(flavor, table.chunkKey);
  const slots: Array<readonly [0 | 1, number]> = [];
  const where = hasLower ? ` WHERE ${keyPredicate(flavor, table, '>', 0, slots)}` : '';
  return {
    sql:
      `SELECT ${cols} FROM (SELECT ${cols}, row_number() OVER (ORDER BY ${cols}) AS cdc_rn FROM ${qualifiedName(flavor, table)}${where}) AS cdc_keys` +
      ` WHERE cdc_rn % ${Math.floor(every)} = 0 ORDER BY ${cols}`,
    slots,
  };
}

/** The table's greatest chunk key (one index probe), among the rows matching `condition` when given. */
export function maxKeyQuery(flavor: SqlFlavor, table: TableInfo, condition: string | null = null): string {
  const cols = table.chunkKey.map((c) => flavor.quoteIdent(c));
  const where = condition ? ` WHERE (${condition})` : '';
  return `SELECT ${cols.join(', ')} FROM ${qualifiedName(flavor, table)}${where} ORDER BY ${cols.map((c) => `${c} DESC`).join(', ')} LIMIT 1`;
}

/** Drops a final boundary equal to the table's greatest key, so the last range is never empty. */
export function trimBoundaries(boundaries: unknown[][], maxKey: readonly unknown[] | undefined): unknown[][] {
  const last = boundaries[boundaries.length - 1];
  if (last && maxKey && last.length === maxKey.length && last.every((v, i) => sameValue(v, maxKey[i]))) return boundaries.slice(0, -1);
  return boundaries;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

export interface KeyRange<K> {
  /** Exclusive lower bound; null = from the start (or from the resume key). */
  lower: K | null;
  /** Inclusive upper bound; null = to the end. */
  upper: K | null;
}

/**
 * Ranges between consecutive boundaries, starting after `start` (null = table start) and ending open.
 * Boundaries must be ascending and all after `start`.
 */
export function planRanges<K>(start: K | null, boundaries: readonly K[]): KeyRange<K>[] {
  const ranges: KeyRange<K>[] = [];
  let lower = start;
  for (const b of boundaries) {
    ranges.push({ lower, upper: b });
    lower = b;
  }
  ranges.push({ lower, upper: null });
  return ranges;
}
