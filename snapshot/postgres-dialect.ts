/**
 * PostgreSQL. With an exported snapshot every reader imports it once (`SET TRANSACTION SNAPSHOT`) and keeps that
 * transaction for the whole run, so all readers see the slot's consistent point and may share a table. Without
 * one, each table gets a fresh REPEATABLE READ transaction.
 */
import { destroyPg, queryText, quoteLiteral, textParser, type TextResult } from '../src/db/postgres.js';
import { postgresFlavor } from './chunk-planner.js';
import type { ReaderConnection, SnapshotDialect } from './dialect.js';
import { translateDriverError } from './errors.js';
import { discoverPostgresTables, openSnapshotClient } from './postgres-discover.js';

const CURSOR = 'cdc_snapshot_cursor';


export function createPostgresDialect(): SnapshotDialect {
  return {
    name: 'postgres',
    flavor: postgresFlavor,
    sharedSnapshot: (options) => !!options.exportedSnapshot,
    discover: discoverPostgresTables,
    keyParams: (_table, values) => values.slice(),
    async connect(config, options): Promise<ReaderConnection> {
      const client = await openSnapshotClient(config, 'connecting a snapshot reader');
      const shared = options.exportedSnapshot ?? null;
      const parsed = options.valueFormat === 'parsed';
      let inTransaction = false;
      let parsers: Array<(v: string) => unknown> = [];
      const run = async (doing: string, sql: string, values?: readonly unknown[]): Promise<TextResult> => {
        try {
          return await queryText(client, sql, values);
        } catch (err) {
          throw translateDriverError(err, doing);
        }
      };
      const rememberParsers = (typeOids: number[]) => {
        if (parsed) parsers = typeOids.map(textParser);
      };
      const finishRows = (rows: unknown[][]) => {
        if (!parsed) return;
        for (const row of rows) for (let i = 0; i < row.length; i++) if (row[i] !== null) row[i] = parsers[i]!(row[i] as string);
      };
      return {
        async beginTable() {
          if (shared) {
            if (!inTransaction) {
              await run('opening a transaction', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
              inTransaction = true;
              await run('importing the exported snapshot', `SET TRANSACTION SNAPSHOT ${quoteLiteral(shared)}`);
            }
            return null;
          }
          if (inTransaction) await run('ending a transaction', 'COMMIT');
          await run('opening a transaction', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          inTransaction = true;
          return null;
        },
        async endTable() {
          if (shared || !inTransaction) return;
          inTransaction = false;
          await run('ending a transaction', 'COMMIT');
        },
        async query(sql, params) {
          const result = await run('reading a chunk', sql, params);
          rememberParsers(result.typeOids);
          return result.rows as unknown[][];
        },
        finishRows,
        async stream(sql, batchSize, onBatch) {
          await run('opening a cursor', `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`);
          const fetch = async () => {
            const result = await run('reading from a cursor', `FETCH FORWARD ${Math.floor(batchSize)} FROM ${CURSOR}`);
            rememberParsers(result.typeOids);
            const rows = result.rows as unknown[][];
            finishRows(rows);
            return rows;
          };
          // One batch of look-ahead, so the final batch is known to be final and carries rows.
          let current = await fetch();
          for (;;) {
            if (current.length < batchSize) {
              await onBatch(current, true);
              break;
            }
            const next = await fetch();
            if (next.length === 0) {
              await onBatch(current, true);
              break;
            }
            await onBatch(current, false);
            current = next;
          }
          await run('closing a cursor', `CLOSE ${CURSOR}`);
        },
        async close() {
          try {
            if (inTransaction) await client.query('COMMIT');
          } finally {
            await client.end().catch(() => {});
          }
        },
        destroy: () => destroyPg(client),
      };
    },
  };
}
