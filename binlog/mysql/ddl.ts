/**
 * Just enough SQL reading to know which tables a binlog QUERY event changes. Row decoding never depends on
 * this (TABLE_MAP events describe each row event); it decides which cached table definitions to reload and
 * what a schema change event says.
 */
export interface TableName {
  database: string;
  table: string;
}

export type DdlKind = 'CREATE' | 'ALTER' | 'DROP' | 'RENAME' | 'TRUNCATE' | 'DATABASE';

export interface DdlStatement {
  kind: DdlKind;
  /** Tables the statement creates, changes or drops (for RENAME: old and new names). */
  tables: TableName[];
  /** For DATABASE statements: the database created/dropped/altered. */
  database: string | null;
}

const IDENT = String.raw`(?:\x60(?:[^\x60]|\x60\x60)+\x60|[\w$]+)`;
const QNAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;

/** Statements that are part of transactions, never DDL. */
const TX_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|XA\s|SAVEPOINT|RELEASE\s+SAVEPOINT|SET\s)/i;

function stripComments(sql: string): string {
  return sql.replace(/\/\*(?!!)[\s\S]*?\*\//g, ' ').replace(/(^|\n)\s*(--|#)[^\n]*/g, '$1').trim();
}

function unquote(id: string): string {
  const t = id.trim();
  return t.startsWith('`') ? t.slice(1, -1).replace(/``/g, '`') : t;
}

function splitName(qname: string, defaultDb: string): TableName {
  const m = new RegExp(String.raw`^(${IDENT})(?:\s*\.\s*(${IDENT}))?$`).exec(qname.trim());
  if (!m) return { database: defaultDb, table: unquote(qname) };
  return m[2] ? { database: unquote(m[1]!), table: unquote(m[2]) } : { database: defaultDb, table: unquote(m[1]!) };
}

function nameList(text: string, defaultDb: string): TableName[] {
  const out: TableName[] = [];
  const re = new RegExp(QNAME, 'g');
  for (const m of text.matchAll(re)) out.push(splitName(m[0], defaultDb));
  return out;
}

/** Classifies a QUERY event's statement; null for anything that does not change table structure. */
export function parseDdl(sql: string, defaultDb: string): DdlStatement | null {
  if (TX_CONTROL.test(sql)) return null;
  // MariaDB/MySQL versioned comments (/*!40000 ... */, /*M!100000 ... */) carry real SQL: keep their content
  const s = stripComments(sql).replace(/\/\*M?!\d*\s?/g, ' ').replace(/\*\//g, ' ');
  let m: RegExpExecArray | null;

  if ((m = new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${QNAME})`, 'i').exec(s))) {
    return { kind: 'CREATE', tables: [splitName(m[1]!, defaultDb)], database: null };
  }
  if ((m = new RegExp(String.raw`^ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE\s+(?:IF\s+EXISTS\s+)?(${QNAME})([\s\S]*)$`, 'i').exec(s))) {
    const tables = [splitName(m[1]!, defaultDb)];
    const rename = new RegExp(String.raw`\bRENAME\s+(?:TO\s+|AS\s+)?(${QNAME})\s*(?:,|$)`, 'i').exec(m[2]!);
    if (rename && !/^\s*RENAME\s+(COLUMN|INDEX|KEY)\b/i.test(m[2]!.slice(rename.index))) {
      tables.push(splitName(rename[1]!, defaultDb));
    }
    return { kind: 'ALTER', tables, database: null };
  }
  if ((m = /^DROP\s+(?:TEMPORARY\s+)?TABLES?\s+(?:IF\s+EXISTS\s+)?([\s\S]*?)(?:\s+(?:RESTRICT|CASCADE))?\s*$/i.exec(s))) {
    return { kind: 'DROP', tables: nameList(m[1]!.replace(/\bWAIT\s+\d+|\bNOWAIT\b/gi, ''), defaultDb), database: null };
  }
  if ((m = /^RENAME\s+TABLES?\s+([\s\S]*)$/i.exec(s))) {
    const tables: TableName[] = [];
    for (const pair of m[1]!.split(',')) {
      const [from, to] = pair.split(/\s+TO\s+/i);
      if (from) tables.push(splitName(from.replace(/\bWAIT\s+\d+|\bNOWAIT\b/gi, ''), defaultDb));
      if (to) tables.push(splitName(to, defaultDb));
    }
    return { kind: 'RENAME', tables, database: null };
  }
  if ((m = new RegExp(String.raw`^TRUNCATE\s+(?:TABLE\s+)?(${QNAME})`, 'i').exec(s))) {
    return { kind: 'TRUNCATE', tables: [splitName(m[1]!, defaultDb)], database: null };
  }
  if ((m = new RegExp(String.raw`^(?:CREATE|DROP)\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${IDENT}\s+(?:ON\s+(${QNAME}))?`, 'i').exec(s)) && m[1]) {
    return { kind: 'ALTER', tables: [splitName(m[1], defaultDb)], database: null };
  }
  if ((m = new RegExp(String.raw`^(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(${IDENT})`, 'i').exec(s))) {
    return { kind: 'DATABASE', tables: [], database: unquote(m[1]!) };
  }
  return null;
}
