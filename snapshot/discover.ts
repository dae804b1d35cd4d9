import { compileTableFilters, inIncludeListOrder } from './filters.js';
import { dialectFor } from './dialect-registry.js';
import type { DiscoverOptions, TableInfo } from './types.js';

/**
 * Lists the tables selected by the filters with their columns (after column filters), primary key, chunk key
 * and size estimates, in Debezium's snapshot order (the order of table.include.list, then by name). Tables without a usable chunk key are
 * logged as a warning: they are read in one pass and, without a primary key or `message.key.columns`, their
 * records have null keys.
 */
export async function discoverTables(options: DiscoverOptions): Promise<TableInfo[]> {
  const dialect = dialectFor(options.dialect);
  const tables = inIncludeListOrder(await dialect.discover(options.connection, compileTableFilters(options.filters), options.logger), options.filters);
  for (const t of tables) {
    if (t.keyColumns.length === 0) {
      options.logger?.warn({ table: t.name }, 'table has no primary key and no message.key.columns: its records will have null keys');
    }
    if (t.chunkKey.length === 0) {
      options.logger?.warn({ table: t.name }, 'table has no primary key or unique NOT NULL index: it is read in one pass and re-read from the start if the snapshot is resumed');
    }
  }
  return tables;
}
