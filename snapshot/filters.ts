/**
 * Debezium's table/column selection semantics: each list entry is a regular expression that must match the
 * whole identifier, case-insensitively. Pure functions, compiled once per snapshot.
 */
import { ConfigError } from '../src/errors/index.js';
import type { SnapshotDialectName, TableFilters } from './types.js';

export interface CompiledTableFilters {
  includeDatabase(schema: string): boolean;
  includeTable(schema: string, table: string): boolean;
  includeColumn(schema: string, table: string, column: string): boolean;
  /** `message.key.columns` for this table, or null when none is configured. */
  keyColumnsFor(schema: string, table: string): string[] | null;
}

/**
 * Splits a comma-separated list of regular expressions. Commas inside `{}`, `[]` or `()` and escaped commas
 * (`\,`) belong to the expression, so `a{1,3}` survives.
 */
export function splitRegexList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c === '\\' && list[i + 1] === ',') {
      current += ',';
      i++;
    } else if (c === '\\' && i + 1 < list.length) {
      current += c + list[i + 1];
      i++;
    } else if (c === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      current += c;
    }
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

function compile(patterns: readonly string[] | undefined, key: string): RegExp[] | null {
  if (!patterns || patterns.length === 0) return null;
  return patterns.map((p) => {
    try {
      return new RegExp(`^(?:${p})$`, 'i');
    } catch (err) {
      throw new ConfigError(`'${key}' contains an invalid regular expression '${p}': ${(err as Error).message}`, key);
    }
  });
}

function selector(include: RegExp[] | null, exclude: RegExp[] | null): (id: string) => boolean {
  if (include) return (id) => include.some((r) => r.test(id));
  if (exclude) return (id) => !exclude.some((r) => r.test(id));
  return () => true;
}

/** Parses `message.key.columns`: `table-regex:col1,col2;table-regex2:col3`. */
export function parseMessageKeyColumns(spec: string | undefined | null): Array<{ table: RegExp; columns: string[] }> {
  if (!spec || spec.trim() === '') return [];
  return spec
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((entry) => {
      const colon = entry.lastIndexOf(':');
      const columns = colon < 0 ? [] : entry.slice(colon + 1).split(',').map((c) => c.trim()).filter((c) => c.length > 0);
      if (colon <= 0 || columns.length === 0) {
        throw new ConfigError(
          `'message.key.columns' entry '${entry}' must look like '<db-or-schema>.<table>:<column>[,<column>...]'`,
          'message.key.columns',
        );
      }
      const [table] = compile([entry.slice(0, colon).trim()], 'message.key.columns')!;
      return { table: table!, columns };
    });
}

/**
 * Tables in the order Debezium snapshots them: by the first `table.include.list` pattern each matches (the order
 * the user listed them in), then by name; by name alone without an include list.
 */
export function inIncludeListOrder<T extends { id: { schema: string; table: string } }>(tables: readonly T[], filters: TableFilters = {}): T[] {
  const include = compile(filters.tableInclude, 'table.include.list');
  const rank = (t: T) => (include ? include.findIndex((r) => r.test(`${t.id.schema}.${t.id.table}`)) : 0);
  const name = (t: T) => `${t.id.schema}.${t.id.table}`;
  return tables.map((t) => ({ t, r: rank(t) })).sort((a, b) => a.r - b.r || (name(a.t) < name(b.t) ? -1 : name(a.t) > name(b.t) ? 1 : 0)).map((e) => e.t);
}

export function compileTableFilters(filters: TableFilters = {}): CompiledTableFilters {
  const db = selector(compile(filters.databaseInclude, 'database.include.list'), compile(filters.databaseExclude, 'database.exclude.list'));
  const table = selector(compile(filters.tableInclude, 'table.include.list'), compile(filters.tableExclude, 'table.exclude.list'));
  const column = selector(compile(filters.columnInclude, 'column.include.list'), compile(filters.columnExclude, 'column.exclude.list'));
  const keys = parseMessageKeyColumns(filters.messageKeyColumns);
  return {
    includeDatabase: (schema) => db(schema),
    includeTable: (schema, name) => db(schema) && table(`${schema}.${name}`),
    includeColumn: (schema, name, col) => column(`${schema}.${name}.${col}`),
    keyColumnsFor(schema, name) {
      const id = `${schema}.${name}`;
      for (const k of keys) if (k.table.test(id)) return k.columns;
      return null;
    },
  };
}

type SettingValue = string | number | boolean | readonly string[] | null | undefined;

function listSetting(v: SettingValue): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  // A LIST parsed by a plain comma split may have cut a regex like `a{1,3}`; rejoin and split properly.
  const list = Array.isArray(v) ? splitRegexList(v.join(',')) : splitRegexList(String(v));
  return list.length > 0 ? list : undefined;
}

/**
 * Reads Debezium's filter keys from connector settings: `database.include.list`/`database.exclude.list` (MySQL,
 * MariaDB) or `schema.include.list`/`schema.exclude.list` (PostgreSQL), `table.*`, `column.*`, `message.key.columns`.
 */
export function tableFiltersFromConfig(settings: Readonly<Record<string, SettingValue>>, dialect: SnapshotDialectName): TableFilters {
  const dbKey = dialect === 'postgres' ? 'schema' : 'database';
  const mkc = settings['message.key.columns'];
  return {
    databaseInclude: listSetting(settings[`${dbKey}.include.list`]),
    databaseExclude: listSetting(settings[`${dbKey}.exclude.list`]),
    tableInclude: listSetting(settings['table.include.list']),
    tableExclude: listSetting(settings['table.exclude.list']),
    columnInclude: listSetting(settings['column.include.list']),
    columnExclude: listSetting(settings['column.exclude.list']),
    // A LIST-typed key arrives split on commas; the `;`-separated format survives a rejoin.
    messageKeyColumns: Array.isArray(mkc) ? mkc.join(',') : typeof mkc === 'string' ? mkc : undefined,
  };
}
