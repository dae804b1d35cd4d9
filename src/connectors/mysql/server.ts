/**
 * Short control-connection work against the source server: flavour, binlog settings, positions, grants.
 * Driver errors are translated here, at the edge.
 */
import { translateMysqlError } from '../../../binlog/mysql/index.js';
import { negotiatedMySqlConfig, withMySql } from '../../db/mysql.js';
import type { MySqlSettings } from './config.js';

export type Flavour = 'mariadb' | 'mysql';

export interface ServerInfo {
  flavour: Flavour;
  version: string;
  variables: Record<string, string>;
}

export interface MasterPosition {
  file: string;
  pos: number;
  gtids: string | null;
}

export type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Runs `fn` with one connection, closed afterwards; errors become CdcErrors saying what we were doing. */
export async function withServer<T>(c: MySqlSettings['connection'], action: string, fn: (q: Query) => Promise<T>): Promise<T> {
  try {
    return await withMySql(c, (conn) => fn((sql, params) => conn.query(sql, params)));
  } catch (err) {
    throw translateMysqlError(err, { host: c.host, port: c.port, user: c.user, tls: c.tls, action });
  }
}

/** The connection config with database.ssl.mode=preferred settled into what the server does (negotiatedMySqlConfig). */
export async function withServerTls(c: MySqlSettings['connection'], action: string): Promise<MySqlSettings['connection']> {
  try {
    return await negotiatedMySqlConfig(c);
  } catch (err) {
    throw translateMysqlError(err, { host: c.host, port: c.port, user: c.user, tls: c.tls, action });
  }
}

const VARIABLES = ['log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'gtid_mode', 'server_id', 'version'];

export async function serverInfo(q: Query): Promise<ServerInfo> {
  const rows = await q<{ Variable_name: string; Value: string }>(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${VARIABLES.map(() => '?').join(',')})`, VARIABLES);
  const variables: Record<string, string> = {};
  for (const r of rows) variables[r.Variable_name.toLowerCase()] = String(r.Value);
  const version = variables.version ?? '';
  return { flavour: /mariadb/i.test(version) ? 'mariadb' : 'mysql', version, variables };
}

/** The server's current binlog end and executed GTIDs: where a connector starts that reads no existing rows. */
export async function masterPosition(q: Query, flavour: Flavour): Promise<MasterPosition> {
  const rows = await q<{ File: string; Position: number | string; Executed_Gtid_Set?: string }>('SHOW MASTER STATUS');
  const row = rows[0];
  if (!row) throw new Error('SHOW MASTER STATUS returned nothing: the binary log is off (log_bin=OFF)');
  let gtids: string | null = null;
  if (flavour === 'mariadb') {
    gtids = (await q<{ g: string }>('SELECT @@GLOBAL.gtid_binlog_pos AS g'))[0]?.g ?? null;
  } else if (row.Executed_Gtid_Set !== undefined) {
    gtids = row.Executed_Gtid_Set.replace(/\s/g, '') || null;
  }
  return { file: row.File, pos: Number(row.Position), gtids };
}

/** MariaDB: the GTID position that corresponds to a binlog file and offset (null when the server cannot tell). */
export async function gtidsAt(q: Query, file: string, pos: number): Promise<string | null> {
  const rows = await q<{ g: string | null }>('SELECT BINLOG_GTID_POS(?, ?) AS g', [file, pos]);
  return rows[0]?.g ?? null;
}

export async function grants(q: Query): Promise<string[]> {
  const rows = await q<Record<string, string>>('SHOW GRANTS');
  return rows.map((r) => String(Object.values(r)[0]));
}
