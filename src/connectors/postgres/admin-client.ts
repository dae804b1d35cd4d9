/**
 * One plain SQL connection the task keeps for catalog look-ups, heartbeat queries and WAL-retention
 * reports; reconnected on next use after it broke (e.g. a server restart).
 */
import { queryText, type PgClient } from '../../db/postgres.js';
import { connectClient, translatePgError, type PgConnectionConfig } from '../../../binlog/postgres/index.js';

export interface AdminClient {
  get(): Promise<PgClient>;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Rows as arrays of PostgreSQL's text output, unparsed: the form pgoutput sends and the snapshot engine reads
   * (same session settings), so values convert exactly like theirs.
   */
  queryText(sql: string, params?: unknown[]): Promise<Array<Array<string | null>>>;
  close(): Promise<void>;
}


export function createAdminClient(config: PgConnectionConfig): AdminClient {
  let client: Promise<PgClient> | null = null;
  let broken = false;

  const get = (): Promise<PgClient> => {
    if (client && !broken) return client;
    const old = client;
    broken = false;
    client = connectClient(config, 'connecting to PostgreSQL').then((c) => {
      c.on('error', () => { broken = true; });
      c.on('end', () => { broken = true; });
      return c;
    });
    client.catch(() => { client = null; });
    if (old) void old.then((c) => c.end()).catch(() => {});
    return client;
  };

  return {
    get,
    async query(sql, params) {
      const c = await get();
      try {
        return (await c.query(sql, params)).rows;
      } catch (err) {
        if (!(err as { code?: string }).code) broken = true;
        throw translatePgError(err, { action: 'querying PostgreSQL', user: config.user, database: config.database });
      }
    },
    async queryText(sql, params) {
      const c = await get();
      try {
        return (await queryText(c, sql, params)).rows;
      } catch (err) {
        if (!(err as { code?: string }).code) broken = true;
        throw translatePgError(err, { action: 'querying PostgreSQL', user: config.user, database: config.database });
      }
    },
    async close() {
      const c = client;
      client = null;
      if (c) await c.then((x) => x.end()).catch(() => {});
    },
  };
}
