/**
 * The connector's model of a MySQL/MariaDB column and table. Built from INFORMATION_SCHEMA (snapshot, live
 * streaming) or from a binlog TABLE_MAP event carrying `binlog_row_metadata=FULL` metadata (events written
 * before a later DDL), so that one type mapping serves both.
 */
export interface MySqlColumn {
  name: string;
  /** Base type in lower case as COLUMN_TYPE spells it: `int`, `varchar`, `datetime`, `enum`, `uuid`, `point`... */
  dataType: string;
  unsigned: boolean;
  optional: boolean;
  /** CHAR/VARCHAR/BINARY length, BIT width in bits, FLOAT precision; null when the type has none. */
  length: number | null;
  /** DECIMAL scale. */
  scale: number | null;
  /** Fractional seconds digits of TIME/DATETIME/TIMESTAMP (0-6). */
  fsp: number;
  /** ENUM and SET members in declaration order. */
  enumValues: readonly string[] | null;
  /** MariaDB stores JSON as LONGTEXT with a json_valid() check; true when we know the column is JSON. */
  json: boolean;
  /** INFORMATION_SCHEMA's COLUMN_DEFAULT; undefined where unknown (binlog metadata). */
  defaultValue?: string | null;
}

export interface MySqlTable {
  database: string;
  table: string;
  columns: readonly MySqlColumn[];
  /** Primary key column names in key order; empty when the table has none. */
  primaryKey: readonly string[];
}

export interface ColumnDefinition {
  name: string;
  /** INFORMATION_SCHEMA.COLUMNS.COLUMN_TYPE, e.g. `int(10) unsigned`, `decimal(10,2)`, `enum('a','b')`. */
  columnType: string;
  optional: boolean;
  /** Known ENUM/SET members (binlog metadata); otherwise parsed from `columnType`. */
  enumValues?: readonly string[];
  json?: boolean;
  defaultValue?: string | null;
}

const TYPE_SYNONYMS: Record<string, string> = {
  integer: 'int', dec: 'decimal', numeric: 'decimal', fixed: 'decimal', bool: 'tinyint', boolean: 'tinyint',
  real: 'double', 'double precision': 'double', geometrycollection: 'geomcollection',
};

const FSP_TYPES = new Set(['time', 'datetime', 'timestamp']);

/** Parses a COLUMN_TYPE string into the column model. */
export function columnFromDefinition(def: ColumnDefinition): MySqlColumn {
  const text = def.columnType.trim();
  const lower = text.toLowerCase();
  const open = lower.indexOf('(');
  const head = (open < 0 ? lower.split(/\s+/)[0]! : lower.slice(0, open)).trim();
  const dataType = TYPE_SYNONYMS[head] ?? head;
  const close = open < 0 ? -1 : findClosingParen(text, open);
  const args = open < 0 ? '' : text.slice(open + 1, close);
  const rest = close < 0 ? lower.slice(head.length) : lower.slice(close + 1);
  const unsigned = /\bunsigned\b/.test(rest);

  let length: number | null = null;
  let scale: number | null = null;
  let fsp = 0;
  let enumValues: readonly string[] | null = null;
  if (dataType === 'enum' || dataType === 'set') {
    enumValues = def.enumValues ?? parseQuotedList(args);
  } else if (args !== '') {
    const [a, b] = args.split(',').map((s) => Number.parseInt(s.trim(), 10));
    if (FSP_TYPES.has(dataType)) fsp = a ?? 0;
    else {
      length = Number.isFinite(a) ? a! : null;
      scale = b !== undefined && Number.isFinite(b) ? b : null;
    }
  }
  if (dataType === 'decimal') {
    length ??= 10;
    scale ??= 0;
  }
  return {
    name: def.name, dataType, unsigned, optional: def.optional, length, scale, fsp, enumValues,
    json: def.json === true || dataType === 'json',
    ...(def.defaultValue !== undefined ? { defaultValue: def.defaultValue } : {}),
  };
}

function findClosingParen(text: string, open: number): number {
  let quote: string | null = null;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ')') return i;
  }
  return text.length;
}

/** `'a','b''c'` → [`a`, `b'c`]. */
export function parseQuotedList(args: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < args.length) {
    const q = args[i];
    if (q !== "'" && q !== '"') { i++; continue; }
    let value = '';
    i++;
    while (i < args.length) {
      const ch = args[i]!;
      if (ch === q) {
        if (args[i + 1] === q) { value += q; i += 2; continue; }
        i++;
        break;
      }
      if (ch === '\\' && i + 1 < args.length) { value += args[i + 1]; i += 2; continue; }
      value += ch;
      i++;
    }
    out.push(value);
  }
  return out;
}

const BINARY_LIKE = new Set(['uuid', 'inet4', 'inet6']);
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);
const BLOB_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
const GEOMETRY_TYPES = new Set([
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geomcollection',
]);

/**
 * What a binlog TABLE_MAP can tell about a column. Two definitions with the same signatures decode to the
 * same values, so the richer INFORMATION_SCHEMA definition may be used for binlog rows; when they differ, the
 * binlog event was written under another table definition (a later DDL) and its own metadata must be used.
 */
export function wireSignature(c: MySqlColumn): string {
  const t = c.dataType;
  // Text and binary strings share a signature: zongji misplaces the binlog's per-column charsets after a MariaDB
  // UUID column (a VARCHAR then reads as VARBINARY), and a codec that decodes either kind serves both. UUID and
  // INET are BINARY(n) on the wire.
  if (BINARY_LIKE.has(t) || t === 'char' || t === 'binary') return `${c.name}:fixed`;
  if (TEXT_TYPES.has(t) || BLOB_TYPES.has(t) || t === 'json') return `${c.name}:${t === 'varchar' || t === 'varbinary' ? 'var' : 'lob'}`;
  if (t === 'decimal') return `${c.name}:decimal(${c.length},${c.scale})${c.unsigned ? 'u' : ''}`;
  if (FSP_TYPES.has(t)) return `${c.name}:${t}(${c.fsp})`;
  if (t === 'enum' || t === 'set') return `${c.name}:${t}(${(c.enumValues ?? []).join('\u0000')})`;
  if (t === 'bit') return `${c.name}:bit(${c.length ?? 1})`;
  if (GEOMETRY_TYPES.has(t)) return `${c.name}:geometry`;
  return `${c.name}:${t}${c.unsigned ? 'u' : ''}`;
}

export function tableSignature(columns: readonly MySqlColumn[]): string {
  return columns.map(wireSignature).join('|');
}
