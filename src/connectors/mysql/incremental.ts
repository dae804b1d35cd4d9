/**
 * Ad-hoc (incremental) snapshots for MySQL/MariaDB: the chunk source of the shared core (snapshot/incremental.ts)
 * over its own mysql2 connection (keyset chunk queries, watermark INSERTs into the signal table), plus what the
 * stream dispatcher needs: which table is the signal table, and a changed row's chunk key.
 *
 * Chunk rows and streamed rows are compared by their *encoded* chunk key (the codecs' Connect values), since
 * mysql2 (chunk query) and the binlog decoder give some types (dates, decimals, big integers) in different forms.
 */
import type { SourceTaskContext } from '../../connect-api/index.js';
import { ConfigError } from '../../errors/index.js';
import {
  bindKeyParams, createIncrementalSnapshotter, discoverTables, maxKeyQuery, mysqlFlavor,
  mysqlKeyParam, rangeQuery,
  type IncrementalChunkSource, type IncrementalSnapshotter, type IncrementalTableRef, type TableInfo,
} from '../../../snapshot/index.js';
import { translateMysqlError } from '../../../binlog/mysql/index.js';
import type { MySqlSettings } from './config.js';
import { databaseRetryPolicy, retry } from '../../retry/index.js';
import { openMySql, type MySqlConnection } from '../../db/mysql.js';
import { withServer, type Flavour } from './server.js';
import type { TableRegistry } from './tables.js';

/** A chunk row: driver values (for the next chunk's bound) and the encoded value (for the record and the window). */
export interface MySqlChunkRow {
  info: TableInfo;
  raw: unknown[];
  value: Record<string, unknown>;
}

export interface MySqlIncremental {
  readonly snapshotter: IncrementalSnapshotter<MySqlChunkRow>;
  readonly signalTable: { database: string; table: string };
  isSignalTable(database: string, table: string): boolean;
  /** The chunk key columns when `database.table` is being re-read (its changes go to the window), else null. */
  watched(database: string, table: string): readonly string[] | null;
  close(): void;
}

const q = (name: string) => '`' + name.replace(/`/g, '``') + '`';
/** Stable text for encoded key values (bigints, Buffers, structs). */
const keyText = (key: unknown[]) => JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

export function parseSignalTable(name: string): { database: string; table: string } {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new ConfigError(`signal.data.collection "${name}" must be <database>.<table>.`, 'signal.data.collection');
  }
  return { database: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** Problems with the configured signal table (missing, or without the id/type/data columns); empty = usable. */
export async function checkSignalTable(settings: MySqlSettings, name: string): Promise<string[]> {
  let t: { database: string; table: string };
  try {
    t = parseSignalTable(name);
  } catch (err) {
    return [(err as Error).message];
  }
  const rows = await withServer(settings.connection, 'checking the signal table', (query) => query<{ c: string }>(
    'SELECT COLUMN_NAME AS c FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [t.database, t.table]));
  const create = `CREATE TABLE ${q(t.database)}.${q(t.table)} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048))`;
  if (rows.length === 0) return [`The signal table ${name} does not exist. Fix: ${create}, and GRANT INSERT on it to the connector user.`];
  const have = new Set(rows.map((r) => r.c.toLowerCase()));
  const missing = ['id', 'type', 'data'].filter((c) => !have.has(c));
  return missing.length ? [`The signal table ${name} lacks column(s) ${missing.join(', ')}. Fix: recreate it as ${create}.`] : [];
}

export async function createMySqlIncremental(o: {
  ctx: SourceTaskContext; settings: MySqlSettings; flavour: Flavour; registry: TableRegistry; signalTable: string;
  /** Called when a table failed (its progress shows lastError): report progress now. */
  onActivity(): void;
}): Promise<MySqlIncremental> {
  const { ctx, settings, registry } = o;
  const signalTable = parseSignalTable(o.signalTable);
  const isSignalTable = (database: string, table: string) => database === signalTable.database && table === signalTable.table;
  // Tables captured now; the registry's definitions (kept current by DDL) win when it has them.
  const discovered = new Map<string, TableInfo>();
  for (const t of await discoverTables({ dialect: o.flavour, connection: { ...settings.connection }, filters: settings.filters, logger: ctx.logger })) {
    discovered.set(t.name, t);
  }
  const infoOf = (name: string): TableInfo | undefined => {
    const d = discovered.get(name);
    return (d && registry.info(d.id.schema, d.id.table)) ?? d;
  };

  let conn: MySqlConnection | null = null;
  async function connection(): Promise<MySqlConnection> {
    if (conn) return conn;
    const spatial = [...discovered.values()].some((t) => t.columns.some((c) => /geometry|point|polygon|linestring/i.test(c.nativeType)));
    // The same connection settings as the initial snapshot's, so chunk rows come in the same forms.
    conn = await openMySql({ ...settings.connection, rawGeometry: spatial });
    return conn;
  }

  const retryContext = { signal: ctx.signal, logger: ctx.logger, maxRetries: settings.maxRetries };
  /** Runs a statement; retriable errors (server restart, network) reconnect with backoff (`errors.max.retries`). */
  async function run<T>(action: string, sql: string, params: unknown[]): Promise<T[]> {
    const rows = await retry(async () => {
      try {
        const c = await connection();
        return await c.query<T>(sql, params, true);
      } catch (err) {
        conn?.destroy();
        conn = null;
        throw translateMysqlError(err, { ...settings.connection, action });
      }
    }, databaseRetryPolicy<T[]>(retryContext, action));
    if (rows === undefined) throw new Error(`${action}: the task is stopping`);
    return rows;
  }

  const keyParams = (info: TableInfo, key: readonly unknown[]) =>
    key.map((v, i) => mysqlKeyParam(info.columns.find((c) => c.name === info.chunkKey[i])?.nativeType ?? '', v));
  const table = (t: IncrementalTableRef): TableInfo => {
    const info = infoOf(t.name);
    if (!info) throw new ConfigError(`Table ${t.name} is no longer captured (dropped, or excluded by the filters).`);
    return info;
  };

  const source: IncrementalChunkSource<MySqlChunkRow> = {
    resolve(name) {
      const dot = name.indexOf('.');
      if (dot <= 0) return 'expected <database>.<table>';
      const [database, tbl] = [name.slice(0, dot), name.slice(dot + 1)];
      if (isSignalTable(database, tbl)) return 'it is the signal table';
      if (!registry.includeTable(database, tbl)) return 'the table is not captured (table.include.list/database.include.list)';
      const info = infoOf(name);
      if (!info) return 'no such table (or it was created after the task started; restart the connector to pick it up)';
      if (info.chunkKey.length === 0) return 'the table has no primary key (nor a unique index over NOT NULL columns) to read it in chunks';
      if (info.extraKeyColumns.length > 0) return `the column filters exclude its key column(s) ${info.extraKeyColumns.map((c) => c.name).join(', ')}`;
      return { name: info.name, keyColumns: info.chunkKey.slice() };
    },
    async maxKey(t, condition) {
      const rows = await run<unknown[]>(`reading the largest key of ${t.name}`, maxKeyQuery(mysqlFlavor, table(t), condition), []);
      return rows[0] ?? null;
    },
    async readChunk(t, after, max, limit, condition) {
      const info = table(t);
      const query = rangeQuery(mysqlFlavor, info, after !== null, true, { condition, limit });
      const params = bindKeyParams(query, after && keyParams(info, after), keyParams(info, max));
      const rows = await run<unknown[]>(`reading a chunk of ${t.name}`, query.sql, params);
      const codec = registry.forInfo(info);
      return rows.map((raw) => ({ info, raw, value: codec.fromArray(raw) }));
    },
    keyOf: (_t, row) => row.info.chunkKey.map((k) => row.raw[row.info.columns.findIndex((c) => c.name === k)]),
    keyString: (_t, key) => keyText(key),
    rowKeyString: (_t, row) => keyText(row.info.chunkKey.map((k) => row.value[k])),
    async writeWatermark(id, type) {
      await run(`writing a watermark into ${o.signalTable}`,
        `INSERT IGNORE INTO ${q(signalTable.database)}.${q(signalTable.table)} (id, type, data) VALUES (?, ?, ?)`, [id, type, '{}']);
    },
  };

  const snapshotter = createIncrementalSnapshotter({
    source, chunkSize: settings.signals.chunkSize, logger: ctx.logger,
    onError: () => o.onActivity(), // logged by the core; progress shows lastError
  });

  return {
    snapshotter,
    signalTable,
    isSignalTable,
    watched(database, tbl) {
      const current = snapshotter.current;
      if (current === null || current.length !== database.length + tbl.length + 1 || current !== `${database}.${tbl}`) return null;
      return infoOf(current)?.chunkKey ?? null;
    },
    close() {
      conn?.destroy();
      conn = null;
    },
  };
}
