/**
 * Table definitions for encoding rows, per table and per definition:
 *  - snapshot rows and binlog rows written under the current definition use INFORMATION_SCHEMA's (richest:
 *    MariaDB UUID/INET types, nullability, key columns after message.key.columns);
 *  - binlog rows written under an older definition (a restart that re-reads events from before a DDL, or a
 *    DDL that ran after the event) use the definition their own TABLE_MAP carries (binlog_row_metadata=FULL).
 * The two are told apart by comparing what the TABLE_MAP can express (`tableSignature`).
 */
import type { Logger } from '../../logging/index.js';
import { discoverTables, type DbConnectionConfig, type SnapshotDialectName, type TableFilters, type TableInfo } from '../../../snapshot/index.js';
import { compileTableFilters, type CompiledTableFilters } from '../../../snapshot/index.js';
import {
  buildTableCodec, columnFromDefinition, tableSignature, type MySqlTable, type TableCodec, type TypeModes,
} from '../../../schemas/mysql/index.js';
import type { TableName, WireTable } from '../../../binlog/mysql/index.js';

export interface TableRegistry {
  readonly filters: CompiledTableFilters;
  includeTable(database: string, table: string): boolean;
  /** Codec for snapshot rows of a discovered table. */
  forInfo(info: TableInfo): TableCodec;
  /** Codec for binlog rows described by a TABLE_MAP; loads the table's definition the first time it is seen. */
  forWire(wire: WireTable): TableCodec | Promise<TableCodec>;
  /** Re-reads definitions after DDL; returns the current definitions (missing = dropped). */
  refresh(tables: readonly TableName[]): Promise<Map<string, TableInfo | undefined>>;
  /** Replaces all known definitions (e.g. with a snapshot's discovery). */
  seed(infos: readonly TableInfo[]): void;
  info(database: string, table: string): TableInfo | undefined;
}

export interface TableRegistryOptions {
  dialect: SnapshotDialectName;
  connection: DbConnectionConfig;
  filters: TableFilters;
  topicPrefix: string;
  modes: TypeModes;
  logger: Logger;
}

const keyOf = (database: string, table: string) => `${database}.${table}`;
/** Never captured, as the snapshot's discovery skips them too. */
const SYSTEM_DATABASES = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function mysqlTableOf(info: TableInfo): MySqlTable {
  return {
    database: info.id.schema,
    table: info.id.table,
    columns: info.columns.map((c) => columnFromDefinition({
      name: c.name, columnType: c.columnType, optional: c.nullable, enumValues: c.enumValues ?? undefined, defaultValue: c.defaultValue,
    })),
    primaryKey: info.primaryKey,
  };
}

export function createTableRegistry(o: TableRegistryOptions): TableRegistry {
  const filters = compileTableFilters(o.filters);
  const infos = new Map<string, TableInfo | undefined>();
  const infoCodecs = new WeakMap<TableInfo, { signature: string; codec: TableCodec }>();
  const wireCodecs = new Map<string, TableCodec>();
  const loading = new Map<string, Promise<void>>();

  function infoEntry(info: TableInfo) {
    let e = infoCodecs.get(info);
    if (!e) {
      const table = mysqlTableOf(info);
      e = {
        signature: tableSignature(table.columns),
        codec: buildTableCodec(table, { topicPrefix: o.topicPrefix, modes: o.modes, keyColumns: info.keyColumns }),
      };
      infoCodecs.set(info, e);
    }
    return e;
  }

  function wireCodec(wire: WireTable, key: string, info: TableInfo | undefined): TableCodec {
    const included = wire.columns.filter((c) => filters.includeColumn(wire.database, wire.table, c.name));
    const signature = tableSignature(included);
    if (info) {
      const e = infoEntry(info);
      if (e.signature === signature) return e.codec;
    }
    const cacheKey = `${key}\u0000${signature}`;
    let codec = wireCodecs.get(cacheKey);
    if (!codec) {
      o.logger.info({ table: key }, 'binlog events use a table definition other than the current one; decoding them with the definition the binlog carries');
      const primaryKey = wire.primaryKey ?? info?.primaryKey.filter((k) => included.some((c) => c.name === k)) ?? [];
      codec = buildTableCodec(
        { database: wire.database, table: wire.table, columns: included, primaryKey },
        { topicPrefix: o.topicPrefix, modes: o.modes, keyColumns: filters.keyColumnsFor(wire.database, wire.table) },
      );
      wireCodecs.set(cacheKey, codec);
    }
    return codec;
  }

  async function load(names: readonly TableName[]): Promise<void> {
    if (names.length === 0) return;
    const found = await discoverTables({
      dialect: o.dialect,
      connection: o.connection,
      filters: { ...o.filters, tableInclude: names.map((n) => escapeRegex(keyOf(n.database, n.table))), tableExclude: undefined },
      logger: o.logger,
    });
    for (const n of names) infos.set(keyOf(n.database, n.table), undefined);
    for (const info of found) {
      // The exact-name include above bypasses the configured table filters; apply them again
      if (filters.includeTable(info.id.schema, info.id.table)) infos.set(keyOf(info.id.schema, info.id.table), info);
    }
  }

  return {
    filters,
    includeTable: (database, table) => !SYSTEM_DATABASES.has(database.toLowerCase()) && filters.includeTable(database, table),
    forInfo: (info) => infoEntry(info).codec,
    forWire(wire) {
      const key = keyOf(wire.database, wire.table);
      if (infos.has(key)) return wireCodec(wire, key, infos.get(key));
      let p = loading.get(key);
      if (!p) {
        p = load([{ database: wire.database, table: wire.table }]).finally(() => loading.delete(key));
        loading.set(key, p);
      }
      return p.then(() => wireCodec(wire, key, infos.get(key)));
    },
    async refresh(tables) {
      const names = tables.filter((t) => !SYSTEM_DATABASES.has(t.database.toLowerCase()) && filters.includeTable(t.database, t.table));
      await load(names);
      return new Map(names.map((n) => [keyOf(n.database, n.table), infos.get(keyOf(n.database, n.table))]));
    },
    seed(list) {
      infos.clear();
      for (const info of list) infos.set(keyOf(info.id.schema, info.id.table), info);
    },
    info: (database, table) => infos.get(keyOf(database, table)),
  };
}
