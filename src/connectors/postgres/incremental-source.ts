/**
 * The PostgreSQL side of ad-hoc (incremental) snapshots: keyset chunk queries and watermark inserts on a
 * connection of their own (never the replication one), for the shared snapshotter (snapshot/incremental.ts).
 *
 * Rows are read exactly as the initial snapshot reads them (same columns in the same order, PostgreSQL's text
 * output under the same session settings), so they convert to identical `op: r` events. Keys are compared in
 * text form: pgoutput sends key values as text and chunk rows carry text too; `keyString` normalises numbers
 * (int2/int4 keys are numbers here, which lets progress estimate an ETA) to that same text.
 */
import { CdcError, SourcePrerequisiteError } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { DATABASE_BACKOFF, retry } from '../../retry/index.js';
import { translatePgError } from '../../../binlog/postgres/index.js';
import {
  bindKeyParams, discoverTables, maxKeyQuery, postgresFlavor, rangeQuery, type ColumnInfo, type IncrementalChunkSource, type IncrementalTableRef, type TableFilters, type TableInfo,
} from '../../../snapshot/index.js';
import { createAdminClient, type AdminClient } from './admin-client.js';
import type { PgConnectorSettings } from './config.js';
import type { SignalTable } from './signal-table.js';

/** A chunk row: text values in `info`'s column order (then chunk-key columns the column filters left out). */
export interface PgChunkRow {
  info: TableInfo;
  values: Array<string | null>;
}

export interface PgChunkSource extends IncrementalChunkSource<PgChunkRow> {
  /** Chunk-key columns of a captured table by `schema.table` name; null when unknown or keyless. */
  keyColumns(table: string): readonly string[] | null;
  /** The definition chunks of a table are read with, by `schema.table` name. */
  info(table: string): TableInfo | undefined;
  /** Re-reads the definitions of the captured tables (or of one), e.g. after a table was created. */
  refresh(only?: { schema: string; table: string }): Promise<void>;
  close(): Promise<void>;
}

export interface PgChunkSourceOptions {
  settings: PgConnectorSettings;
  /** The connector's table filters (as configured); the signal table is never captured. */
  filters: TableFilters;
  signalTable: SignalTable;
  /** The captured tables as discovered at task start. */
  tables: readonly TableInfo[];
  logger: Logger;
  /** Ends retries when the task stops. */
  signal: AbortSignal;
  /** Attempts for an operation failing with a transient error (connection lost, server restart). Default 8. */
  maxAttempts?: number;
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NUMBER_KEY_TYPES = new Set(['int2', 'int4']);

/** The SQLSTATE of a driver error, also when wrapped (translated) in causes. */
function pgCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export function createPgChunkSource(o: PgChunkSourceOptions): PgChunkSource {
  const conn: AdminClient = createAdminClient({ ...o.settings.connection, applicationName: `${o.settings.connection.applicationName ?? 'tscdc'}/incremental`.slice(0, 63) });
  const byName = new Map<string, TableInfo>();
  const keep = (list: readonly TableInfo[]) => {
    for (const t of list) if (!(t.id.schema === o.signalTable.schema && t.id.table === o.signalTable.table)) byName.set(t.name, t);
  };
  keep(o.tables);

  const column = (info: TableInfo, name: string): ColumnInfo | undefined =>
    info.columns.find((c) => c.name === name) ?? info.extraKeyColumns.find((c) => c.name === name);

  function infoOf(t: IncrementalTableRef): TableInfo {
    const info = byName.get(t.name);
    // The snapshotter drops the table from the queue and goes on with the others.
    if (!info) throw new CdcError('PG_INCREMENTAL_TABLE_GONE', `Table ${t.name} is no longer captured or was dropped during an ad-hoc snapshot`, {
      retriable: false, fix: 'The ad-hoc snapshot goes on without it.',
    });
    return info;
  }

  /** Text from the server → the key value form (numbers for int2/int4, text otherwise). */
  function keyValues(info: TableInfo, texts: ReadonlyArray<string | null>): unknown[] {
    return info.chunkKey.map((k, i) => {
      const v = texts[i] ?? null;
      return v !== null && NUMBER_KEY_TYPES.has(column(info, k)?.nativeType ?? '') ? Number(v) : v;
    });
  }

  function keyIndexes(info: TableInfo): number[] {
    const selected = [...info.columns.map((c) => c.name), ...info.extraKeyColumns.map((c) => c.name)];
    return info.chunkKey.map((k) => selected.indexOf(k));
  }

  async function rediscover(only?: { schema: string; table: string }): Promise<void> {
    // Filters as configured; for one table narrowed to it (a table already known to be captured).
    const filters: TableFilters = only
      ? { ...o.filters, databaseInclude: undefined, databaseExclude: undefined, tableExclude: undefined, tableInclude: [`${regexEscape(only.schema)}\\.${regexEscape(only.table)}`] }
      : o.filters;
    const found = await discoverTables({ dialect: 'postgres', connection: o.settings.connection, filters, logger: o.logger });
    if (only) {
      // The include list is case-insensitive; keep only the exact table.
      const exact = found.filter((t) => t.id.schema === only.schema && t.id.table === only.table);
      if (exact.length === 0) byName.delete(`${only.schema}.${only.table}`);
      keep(exact);
    } else {
      byName.clear();
      keep(found);
    }
  }

  /**
   * Runs `fn` again after transient failures (connection lost, server restart), with backoff; the snapshotter
   * drops the table only once this gives up. `duplicateIsDone`: a retried INSERT whose first try did commit.
   */
  async function retrying<T>(doing: string, fn: () => Promise<T>, duplicateIsDone = false): Promise<T> {
    const result = await retry(async () => ({ value: await fn() }), {
      backoff: DATABASE_BACKOFF,
      signal: o.signal,
      maxRetries: (o.maxAttempts ?? 8) - 1,
      translate: (raw) => translatePgError(raw, { action: doing, user: o.settings.connection.user, database: o.settings.connection.database }),
      special: (_err, raw, attempt) => (duplicateIsDone && attempt > 1 && pgCode(raw) === '23505' ? { value: { value: undefined as T } } : undefined),
      onRetry: (err, delay, attempt) => o.logger.warn({ err, attempt, retryInMs: delay }, `Ad-hoc snapshot: transient error while ${doing}; retrying`),
    });
    // Undefined only when the task stopped before an attempt succeeded.
    if (result === undefined) throw new CdcError('TASK_STOPPING', `Ad-hoc snapshot: stopped while ${doing}`, { retriable: true });
    return result.value;
  }

  async function query(sql: string, params: unknown[], doing: string): Promise<Array<Array<string | null>>> {
    try {
      return await conn.queryText(sql, params);
    } catch (err) {
      const code = pgCode(err);
      // Syntax errors, unknown columns, type mismatches: almost always the snapshot's additional condition.
      if (code && /^(42|22)/.test(code) && code !== '42501') {
        throw new CdcError('PG_INCREMENTAL_QUERY', `Ad-hoc snapshot query failed while ${doing}: ${(err as Error).message}`, {
          retriable: false, cause: err, fix: 'Check the additional-conditions filter of the execute-snapshot signal (a SQL WHERE fragment over the table\'s columns).',
        });
      }
      throw err;
    }
  }

  async function readChunk(info: TableInfo, after: unknown[] | null, max: unknown[], limit: number, condition: string | null): Promise<PgChunkRow[]> {
    // Parameters go as text; the flavor casts them to the column type so the comparison uses the key's index.
    const text = (key: readonly unknown[]) => key.map((v) => (v === null || v === undefined ? null : String(v)));
    const q = rangeQuery(postgresFlavor, info, after !== null, true, { condition, limit });
    const rows = await query(q.sql, bindKeyParams(q, after && text(after), text(max)), `reading a chunk of ${info.name}`);
    return rows.map((values) => ({ info, values }));
}

  async function maxKey(t: IncrementalTableRef, condition: string | null): Promise<unknown[] | null> {
    // A table starts: take its current definition (columns may have changed since the task started).
    await rediscover({ schema: infoOf(t).id.schema, table: infoOf(t).id.table });
    const info = infoOf(t);
    const rows = await query(maxKeyQuery(postgresFlavor, info, condition), [], `reading the largest key of ${info.name}`);
    return rows.length === 0 ? null : keyValues(info, rows[0]!);
  }

  async function readChunkOf(t: IncrementalTableRef, after: unknown[] | null, max: unknown[], limit: number, condition: string | null): Promise<PgChunkRow[]> {
    try {
      return await readChunk(infoOf(t), after, max, limit, condition);
    } catch (err) {
      // A column dropped or renamed since the table started: read again with its current definition.
      if (pgCode(err) !== '42703' && pgCode(err) !== '42P01' && pgCode(err) !== '42804') throw err;
      const before = infoOf(t);
      await rediscover({ schema: before.id.schema, table: before.id.table });
      if (infoOf(t) === before) throw err;
      return readChunk(infoOf(t), after, max, limit, condition);
    }
  }

  return {
    resolve(dataCollection) {
      const wanted = dataCollection.includes('.') ? dataCollection : `public.${dataCollection}`;
      if (wanted === o.signalTable.name) return 'the signal table itself cannot be snapshotted';
      let info = byName.get(wanted);
      if (!info) {
        const ci = [...byName.values()].filter((t) => t.name.toLowerCase() === wanted.toLowerCase());
        if (ci.length === 1) info = ci[0];
      }
      if (!info) return `${dataCollection} is not a captured table (check that it exists and matches the connector's schema/table include and exclude lists)`;
      if (info.chunkKey.length === 0) {
        return `${info.name} has no primary key (nor a unique index over NOT NULL columns) to read it in key order; add one to snapshot it`;
      }
      return { name: info.name, keyColumns: [...info.chunkKey] };
    },

    maxKey: (t, condition) => retrying(`reading the largest key of ${t.name}`, () => maxKey(t, condition)),

    readChunk: (t, after, max, limit, condition) => retrying(`reading a chunk of ${t.name}`, () => readChunkOf(t, after, max, limit, condition)),

    keyOf(_t, row) {
      const idx = keyIndexes(row.info);
      return keyValues(row.info, idx.map((i) => row.values[i] ?? null));
    },

    keyString(_t, key) {
      return JSON.stringify(key.map((v) => (v === null || v === undefined ? null : String(v))));
    },

    async writeWatermark(id, type) {
      try {
        await retrying(`writing a watermark into ${o.signalTable.name}`,
          () => conn.queryText(`INSERT INTO ${o.signalTable.sql} (id, type, data) VALUES ($1, $2, '{}')`, [id, type]), true);
      } catch (err) {
        if (pgCode(err) === '42501') {
          throw new SourcePrerequisiteError('PG_SIGNAL_TABLE_PRIVILEGE', `The connector user may not insert into the signal table ${o.signalTable.name}: ${(err as Error).message}`,
            `GRANT INSERT ON ${o.signalTable.sql} TO ${quoteIdent(o.settings.connection.user)}; ad-hoc snapshots write their watermarks there.`, err);
        }
        throw err;
      }
    },

    keyColumns(table) {
      const info = byName.get(table);
      return info && info.chunkKey.length > 0 ? info.chunkKey : null;
    },

    info: (table) => byName.get(table),

    refresh: rediscover,

    close: () => conn.close(),
  };
}
