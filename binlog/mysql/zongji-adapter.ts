/**
 * The only file that imports `@vlasky/zongji`. It turns zongji's events into the small, typed `WireEvent`s the
 * reader works with, and hides zongji's internals we rely on:
 *  - table filtering happens at TABLE_MAP time, so rows of excluded tables are never decoded;
 *  - geometry columns are read as raw bytes (SRID + WKB) instead of zongji's lossy {x, y} objects;
 *  - values use the same conventions as the snapshot's mysql2 rows (see schemas/mysql/types.ts).
 */
import ZongJi, { GtidSet, MariadbGtidPosition } from '@vlasky/zongji';
import type { AnyBinlogEvent, ColumnSchema, TableMapEvent } from '@vlasky/zongji';
import { columnFromDefinition, type MySqlColumn } from '../../schemas/mysql/index.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, mysqlSslOptions, type MySqlConnectionConfig } from '../../src/db/mysql.js';

/** The replication connection is configured like every other connection of the service (src/db/mysql.ts). */
export type BinlogConnectionConfig = MySqlConnectionConfig;

export type StartPoint = { gtids: string } | { file: string; pos: number };

export interface WireTable {
  tableId: number;
  database: string;
  table: string;
  /** Columns as the TABLE_MAP describes them (complete with binlog_row_metadata=FULL). */
  columns: MySqlColumn[];
  /** Primary key column names from the TABLE_MAP metadata; null when the server did not send them. */
  primaryKey: string[] | null;
  /** True when the definition came from the event itself, not from INFORMATION_SCHEMA. */
  selfDescribing: boolean;
}

export type WireEvent =
  | { type: 'rotate'; file: string; pos: number }
  /** Start of an event group: MariaDB GTID event, or MySQL (anonymous) GTID event. */
  | { type: 'gtid'; gtid: string | null; standalone: boolean; startPos: number; nextPos: number; ts: number; thread: number | null }
  | { type: 'query'; query: string; database: string; pos: number; nextPos: number; ts: number; thread: number; errorCode: number }
  | { type: 'tablemap'; table: WireTable }
  /** `pos`: where the rows event itself starts (Debezium's `source.pos`). */
  | { type: 'rows'; op: 'c' | 'u' | 'd'; table: WireTable; rows: readonly unknown[]; pos: number; nextPos: number; ts: number; bytes: number }
  | { type: 'xid'; nextPos: number; ts: number }
  /** Anything else; `nextPos` is 0 when the event carries no position. */
  | { type: 'other'; name: string; nextPos: number };

export interface WireStreamOptions {
  connection: BinlogConnectionConfig;
  serverId: number;
  start: StartPoint;
  /** Tables whose row events to decode. */
  includeTable(database: string, table: string): boolean;
  onEvent(event: WireEvent): void;
  onError(error: Error): void;
}

export interface WireStream {
  readonly isMariaDb: boolean;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  /** Resolves once the binlog dump has started (or rejects with the first error). */
  ready: Promise<void>;
}

const GEOMETRY = 255;
const BLOB = 252;

interface ZongjiInternals {
  _skipSchema(database: string, table: string): boolean;
  tableMap: Record<number, { columnSchemas: ColumnSchema[]; parentSchema: string; tableName: string; columns?: { type: number; charset: string | null }[] }>;
  useChecksum: boolean;
}

export function startWireStream(options: WireStreamOptions): WireStream {
  const c = options.connection;
  const zongji = new ZongJi({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    // settled by negotiatedMySqlConfig: zongji's connections cannot fall back from TLS to plain themselves
    ssl: mysqlSslOptions(c) as never,
    connectTimeout: c.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    jsonStrings: true,
    timezone: 'Z',
    charset: 'utf8mb4',
  } as never);
  const internals = zongji as unknown as ZongjiInternals;
  internals._skipSchema = (database, table) => !options.includeTable(database, table);

  const tables = new Map<number, WireTable>();
  let readySettled = false;
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  ready.catch(() => undefined);

  zongji.on('ready', () => { readySettled = true; resolveReady(); });
  zongji.on('error', (err: Error) => {
    if (!readySettled) { readySettled = true; rejectReady(err); }
    options.onError(err);
  });
  zongji.on('binlog', (event: AnyBinlogEvent) => {
    const wire = toWireEvent(event, tables, internals);
    if (wire) options.onEvent(wire);
  });

  const startOptions: Record<string, unknown> = { serverId: options.serverId };
  if ('gtids' in options.start) startOptions.gtidSet = options.start.gtids;
  else { startOptions.filename = options.start.file; startOptions.position = options.start.pos; }
  zongji.start(startOptions);

  return {
    get isMariaDb() { return zongji.isMariaDb; },
    ready,
    pause() { zongji.connection?.pause(); },
    resume() { zongji.connection?.resume(); },
    stop() {
      return new Promise<void>((resolve) => {
        if (zongji.stopped) return resolve();
        zongji.once('stopped', () => resolve());
        zongji.stop();
      });
    },
  };
}

function toWireEvent(event: AnyBinlogEvent, tables: Map<number, WireTable>, z: ZongjiInternals): WireEvent | null {
  switch (event.getEventName()) {
    case 'rotate': {
      const e = event as Extract<AnyBinlogEvent, { binlogName: string; position: number }>;
      return { type: 'rotate', file: e.binlogName, pos: Number(e.position) };
    }
    case 'mariadbgtid': case 'gtid': case 'anonymousgtid': {
      const e = event as AnyBinlogEvent & { gtid?: string; standalone?: boolean; threadId?: number };
      const headerBytes = z.useChecksum ? 23 : 19;
      return {
        type: 'gtid',
        gtid: event.getEventName() === 'anonymousgtid' ? null : e.gtid ?? null,
        standalone: e.standalone === true,
        startPos: event.nextPosition > 0 ? event.nextPosition - event.size - headerBytes : 0,
        nextPos: event.nextPosition,
        ts: event.timestamp,
        thread: e.threadId ?? null,
      };
    }
    case 'query': {
      const e = event as Extract<AnyBinlogEvent, { query: string; schema: string }>;
      const pos = event.nextPosition > 0 ? event.nextPosition - event.size - (z.useChecksum ? 23 : 19) : 0;
      return { type: 'query', query: e.query, database: e.schema, pos, nextPos: e.nextPosition, ts: e.timestamp, thread: e.slaveProxyId, errorCode: e.errorCode };
    }
    case 'xid':
      return { type: 'xid', nextPos: event.nextPosition, ts: event.timestamp };
    case 'tablemap': {
      const table = wireTable(event as TableMapEvent, z);
      if (!table) return null;
      tables.set(table.tableId, table);
      return { type: 'tablemap', table };
    }
    case 'writerows': case 'updaterows': case 'deleterows': {
      const e = event as AnyBinlogEvent & { tableId: number; rows: unknown[] };
      const table = tables.get(e.tableId);
      if (!table) return null;
      const name = event.getEventName();
      const op = name === 'writerows' ? 'c' : name === 'updaterows' ? 'u' : 'd';
      const pos = event.nextPosition > 0 ? event.nextPosition - event.size - (z.useChecksum ? 23 : 19) : 0;
      return { type: 'rows', op, table, rows: e.rows, pos, nextPos: event.nextPosition, ts: event.timestamp, bytes: event.size };
    }
    default:
      return { type: 'other', name: event.getEventName(), nextPos: event.nextPosition };
  }
}

function wireTable(event: TableMapEvent, z: ZongjiInternals): WireTable | null {
  const entry = z.tableMap[event.tableId];
  if (!entry || !entry.columns) return null;
  // zongji's GEOMETRY decoding drops the SRID and the WKB; as a BLOB the value stays the server's bytes
  for (const col of entry.columns) if (col.type === GEOMETRY) { col.type = BLOB; col.charset = null; }
  const selfDescribing = event.hasSelfDescribingMetadata();
  const columns = entry.columnSchemas.slice(0, event.columnCount).map((s) => {
    let columnType = s.COLUMN_TYPE;
    if (s.UNSIGNED && !/unsigned/i.test(columnType) && !/^year/i.test(columnType)) columnType += ' unsigned';
    return columnFromDefinition({
      name: s.COLUMN_NAME,
      columnType,
      optional: true,
      enumValues: s.ENUM_VALUES ?? s.SET_VALUES,
    });
  });
  const pk = selfDescribing && event.primaryKey ? event.primaryKey.map((i) => columns[i]?.name ?? '') : null;
  if (pk) for (const col of columns) if (pk.includes(col.name)) col.optional = false;
  return { tableId: event.tableId, database: event.schemaName, table: event.tableName, columns, primaryKey: pk, selfDescribing };
}

/** GTID bookkeeping in the server's own notation (MariaDB `domain-server-seq` list, MySQL GTID set). */
export interface GtidTracker {
  /** The executed set so far, in the server's notation. */
  toString(): string;
  add(gtid: string): void;
}

export function createGtidTracker(isMariaDb: boolean, initial: string): GtidTracker {
  if (isMariaDb) {
    const pos = MariadbGtidPosition.parse(initial);
    return {
      toString: () => pos.toString(),
      add(gtid) {
        const [domainId, serverId, seqNo] = gtid.split('-');
        pos.add({ domainId: Number(domainId), serverId: Number(serverId), seqNo: seqNo! });
      },
    };
  }
  const set = GtidSet.parse(initial);
  return { toString: () => set.toString(), add: (gtid) => set.add(gtid) };
}
