/**
 * MySQL and MariaDB. Each table is read in its own `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`
 * (no locks). MariaDB reports the binlog position of that very snapshot (`binlog_snapshot_file/position`);
 * MySQL has no such status, so its position is read just before the transaction starts.
 */
import { SourcePrerequisiteError } from '../src/errors/index.js';
import { mysqlFlavor } from './chunk-planner.js';
import type { ReaderConnection, SnapshotDialect } from './dialect.js';
import { translateDriverError } from './errors.js';
import { openMySql, type MySqlConnection, type Row, type MySqlConnectionConfig } from '../src/db/mysql.js';
import { discoverMysqlTables } from './mysql-discover.js';
import type { BinlogPosition } from './types.js';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);

async function mariadbSnapshotPosition(conn: MySqlConnection): Promise<BinlogPosition> {
  const status = await conn.query<{ Variable_name: string; Value: string }>("SHOW STATUS LIKE 'binlog_snapshot_%'");
  const file = status.find((r) => r.Variable_name.toLowerCase() === 'binlog_snapshot_file')?.Value ?? '';
  const pos = Number(status.find((r) => r.Variable_name.toLowerCase() === 'binlog_snapshot_position')?.Value ?? 0);
  if (!file) throw binlogDisabled();
  const [gtid] = await conn.query<unknown[]>('SELECT BINLOG_GTID_POS(?, ?)', [file, pos], true);
  const g = gtid?.[0];
  return { file, pos, gtid: typeof g === 'string' ? g : g == null ? null : String(g) };
}

async function mysqlServerPosition(conn: MySqlConnection): Promise<BinlogPosition> {
  let rows: Row[];
  try {
    rows = await conn.query('SHOW BINARY LOG STATUS');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ER_PARSE_ERROR') throw err;
    rows = await conn.query('SHOW MASTER STATUS');
  }
  const row = rows[0];
  if (!row || !row.File) throw binlogDisabled();
  const gtid = typeof row.Executed_Gtid_Set === 'string' && row.Executed_Gtid_Set !== '' ? row.Executed_Gtid_Set.replace(/\s+/g, '') : null;
  return { file: String(row.File), pos: Number(row.Position), gtid };
}

function binlogDisabled(): SourcePrerequisiteError {
  return new SourcePrerequisiteError(
    'BINLOG_DISABLED', 'The server has no binary log, so changes after the snapshot cannot be streamed.',
    'Enable the binary log (log_bin, binlog_format=ROW, binlog_row_image=FULL) and restart the server.',
  );
}

export function createMysqlDialect(name: 'mysql' | 'mariadb'): SnapshotDialect {
  const position = name === 'mariadb' ? mariadbSnapshotPosition : mysqlServerPosition;
  return {
    name,
    flavor: mysqlFlavor,
    sharedSnapshot: () => false,
    discover: discoverMysqlTables,
    keyParams(table, values) {
      return values.map((v, i) => {
        const col = table.chunkKey[i]!;
        const info = table.columns.find((c) => c.name === col) ?? table.extraKeyColumns.find((c) => c.name === col);
        return mysqlKeyParam(info?.nativeType ?? '', v);
      });
    },
    async connect(config): Promise<ReaderConnection> {
      let conn: MySqlConnection;
      try {
        conn = await openMySql(config as MySqlConnectionConfig);
      } catch (err) {
        throw translateDriverError(err, 'connecting a snapshot reader');
      }
      let inTransaction = false;
      const wrap = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
        try {
          return await fn();
        } catch (err) {
          throw translateDriverError(err, doing);
        }
      };
      await wrap('preparing a snapshot reader session', async () => {
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        // A paused stream (keyless table, slow consumer) must not make the server give up writing to us.
        await conn.query('SET SESSION net_write_timeout = 86400');
      });
      return {
        beginTable: () =>
          wrap('opening a consistent snapshot', async () => {
            if (inTransaction) await conn.query('COMMIT');
            inTransaction = false;
            // MySQL: the position must be read before the snapshot starts (rows are then at or after it).
            const before = name === 'mysql' ? await position(conn) : null;
            await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
            inTransaction = true;
            return before ?? (await position(conn));
          }),
        endTable: () =>
          wrap('ending a snapshot transaction', async () => {
            if (inTransaction) await conn.query('COMMIT');
            inTransaction = false;
          }),
        query: (sql, params) => conn.query<unknown[]>(sql, params, true),
        finishRows: () => {},
        stream: (sql, batchSize, onBatch) => conn.stream(sql, batchSize, onBatch),
        close: () => conn.end(),
        destroy: () => conn.destroy(),
      };
    },
  };
}

/** Integer key values beyond 2^53 come back as strings; as parameters they must be integers, not strings. */
export function mysqlKeyParam(nativeType: string, value: unknown): unknown {
  return typeof value === 'string' && INTEGER_TYPES.has(nativeType) && /^-?\d+$/.test(value) ? BigInt(value) : value;
}
