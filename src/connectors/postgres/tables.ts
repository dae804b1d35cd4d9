/**
 * Which tables are captured and their current TableSchema: for snapshot tables (from discovery) and for
 * pgoutput relations (rebuilt at every Relation message, so added, dropped and retyped columns take effect
 * for the events that follow).
 */
import type { PgClient } from '../../db/postgres.js';
import { readCatalogTables, type CatalogTable, type Relation, type TypeRegistry } from '../../../binlog/postgres/index.js';
import type { PgType } from '../../../schemas/postgres/index.js';
import type { CompiledTableFilters, TableInfo } from '../../../snapshot/index.js';
import { CdcError } from '../../errors/index.js';
import type { PgConnectorSettings } from './config.js';
import { buildTableSchema, type ColumnSpec, type TableSchema } from './table-schema.js';

export interface TableResolver {
  forSnapshot(table: TableInfo): Promise<TableSchema>;
  /** Null when the relation is not captured (filtered out). */
  forRelation(relation: Relation): Promise<TableSchema | null>;
  /** The schema last built for a relation oid (undefined if none, null if not captured). */
  byOid(oid: number): TableSchema | null | undefined;
}

export interface TableResolverOptions {
  client: () => Promise<PgClient>;
  registry: TypeRegistry;
  filters: CompiledTableFilters;
  settings: PgConnectorSettings;
}

const UNKNOWN_TYPE = (oid: number): PgType => ({ oid, name: `oid_${oid}`, kind: 'b' });

export function createTableResolver(opts: TableResolverOptions): TableResolver {
  const byOid = new Map<number, TableSchema | null>();

  async function catalog(schema: string, table: string): Promise<CatalogTable | undefined> {
    const client = await opts.client();
    return (await readCatalogTables(client, [{ schema, table }])).get(`${schema}.${table}`);
  }

  async function types(oids: number[]): Promise<void> {
    const missing = oids.filter((oid) => opts.registry.get(oid) === undefined);
    if (missing.length > 0) await opts.registry.ensure(await opts.client(), missing);
  }

  function keyColumns(schema: string, table: string, cat: CatalogTable | undefined): string[] {
    return opts.filters.keyColumnsFor(schema, table) ?? cat?.primaryKey ?? [];
  }

  return {
    async forSnapshot(table) {
      const cat = await catalog(table.id.schema, table.id.table);
      if (!cat) throw new CdcError('PG_TABLE_GONE', `Table ${table.name} disappeared during the snapshot`, { retriable: true });
      const byName = new Map(cat.columns.map((c) => [c.name, c]));
      await types(cat.columns.map((c) => c.typeOid));
      const columns: ColumnSpec[] = table.columns.map((c) => {
        const cc = byName.get(c.name);
        const typeOid = cc?.typeOid ?? c.typeOid ?? 25;
        return {
          name: c.name,
          type: opts.registry.get(typeOid) ?? UNKNOWN_TYPE(typeOid),
          typeMod: cc?.typeMod ?? -1,
          optional: cc ? !cc.notNull : c.nullable,
          included: true,
          defaultExpr: cc?.defaultExpr ?? null,
        };
      });
      // Key columns filtered out of the row are selected after the row columns (extraKeyColumns).
      for (const extra of table.extraKeyColumns) {
        const cc = byName.get(extra.name);
        if (!cc) continue;
        columns.push({ name: extra.name, type: opts.registry.get(cc.typeOid) ?? UNKNOWN_TYPE(cc.typeOid), typeMod: cc.typeMod, optional: !cc.notNull, included: false });
      }
      return buildTableSchema({
        topicPrefix: opts.settings.topicPrefix, schema: table.id.schema, table: table.id.table,
        columns, keyColumns: table.keyColumns, mapping: opts.settings.mapping,
      });
    },

    async forRelation(relation) {
      if (!opts.filters.includeTable(relation.schema, relation.table)) {
        byOid.set(relation.oid, null);
        return null;
      }
      const cat = await catalog(relation.schema, relation.table);
      await opts.registry.ensure(await opts.client(), relation.columns.map((c) => c.typeOid), true);
      const byName = new Map(cat?.columns.map((c) => [c.name, c]) ?? []);
      const columns: ColumnSpec[] = relation.columns.map((c) => ({
        name: c.name,
        type: opts.registry.get(c.typeOid) ?? UNKNOWN_TYPE(c.typeOid),
        typeMod: c.typeMod,
        optional: !(byName.get(c.name)?.notNull ?? false),
        included: opts.filters.includeColumn(relation.schema, relation.table, c.name),
        defaultExpr: byName.get(c.name)?.defaultExpr ?? null,
      }));
      const schema = buildTableSchema({
        topicPrefix: opts.settings.topicPrefix, schema: relation.schema, table: relation.table,
        columns, keyColumns: keyColumns(relation.schema, relation.table, cat), mapping: opts.settings.mapping,
      });
      byOid.set(relation.oid, schema);
      return schema;
    },

    byOid: (oid) => byOid.get(oid),
  };
}
