/**
 * How close the snapshot engine gets to the raw keyset SELECT rate of the drivers.
 *
 *   npx tsc -p . && node dist/bench/select-ceiling.js [rows=1000000] [fetchSize=10000]
 *
 * Creates a table of `rows` rows (id, varchar, int, decimal, datetime) in MariaDB and PostgreSQL, then reads it
 *  - raw: a loop of `WHERE id > ? ORDER BY id LIMIT n` with mysql2 (rowsAsArray) / pg (array rows, text values);
 *  - engine: `runSnapshot` with a no-op `onChunk` (one reader; PostgreSQL also with 2 readers sharing an exported
 *    snapshot, which splits the table).
 * Drops what it created. Numbers depend on the machine and on whatever else it is running.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { discoverTables, runSnapshot, type DbConnectionConfig, type SnapshotDialectName } from '../snapshot/index.js';
import { testServices } from '../scripts/testbed/providers.js';
import { uniqueName } from '../scripts/testbed/util.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const FETCH = Number(process.argv[3] ?? 10_000);
const TEXT = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

function report(name: string, rows: number, ms: number): void {
  console.log(`${name.padEnd(44)} ${String(rows).padStart(9)} rows ${String(Math.round(ms)).padStart(7)} ms ${String(Math.round((rows / ms) * 1000)).padStart(9)} rows/s`);
}

async function timed(fn: () => Promise<number>): Promise<[number, number]> {
  const start = process.hrtime.bigint();
  const rows = await fn();
  return [rows, Number(process.hrtime.bigint() - start) / 1e6];
}

async function engine(dialect: SnapshotDialectName, connection: DbConnectionConfig, include: string, maxThreads = 1, exportedSnapshot?: string): Promise<number> {
  const tables = await discoverTables({ dialect, connection, filters: { tableInclude: [include] } });
  let rows = 0;
  await runSnapshot({ dialect, connection, tables, fetchSize: FETCH, maxThreads, exportedSnapshot, onChunk: async (c) => void (rows += c.rows.length) });
  return rows;
}

async function mariadb(s: Awaited<ReturnType<typeof testServices>>): Promise<void> {
  const db = uniqueName('bench');
  const admin = await mysql.createConnection({ ...s.mysql, multipleStatements: true });
  try {
    await admin.query(`CREATE DATABASE ${db}; USE ${db}; CREATE TABLE ${db}.t (id INT PRIMARY KEY, a VARCHAR(32), b INT, c DECIMAL(10,2), d DATETIME)`);
    await admin.query(`INSERT INTO ${db}.t SELECT seq, MD5(seq), seq % 1000, seq / 7, '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_${ROWS}`);
    await admin.query(`ANALYZE TABLE ${db}.t`);
    const reader = await mysql.createConnection({ ...s.mysql, dateStrings: true, supportBigNumbers: true });
    const [raw, rawMs] = await timed(async () => {
      let n = 0;
      let last = 0;
      for (;;) {
        const [rows] = await reader.query({ sql: `SELECT id, a, b, c, d FROM ${db}.t WHERE id > ? ORDER BY id LIMIT ${FETCH}`, rowsAsArray: true }, [last]);
        const arr = rows as unknown as unknown[][];
        if (arr.length === 0) break;
        n += arr.length;
        last = arr[arr.length - 1]![0] as number;
      }
      return n;
    });
    await reader.end();
    report('MariaDB raw keyset (mysql2, rowsAsArray)', raw, rawMs);
    const connection = { ...s.mysql };
    const [rows, ms] = await timed(() => engine('mariadb', connection, `${db}\\.t`));
    report('MariaDB engine, 1 reader', rows, ms);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db}`);
    await admin.end();
  }
}

async function postgres(s: Awaited<ReturnType<typeof testServices>>): Promise<void> {
  const schema = uniqueName('bench');
  const slot = uniqueName('benchslot');
  const admin = new pg.Client({ ...s.pg });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY, a varchar(32), b int, c numeric(10,2), d timestamp)`);
    await admin.query(`INSERT INTO ${schema}.t SELECT i, md5(i::text), i % 1000, i / 7.0, timestamp '2024-01-01' + i * interval '1 second' FROM generate_series(1, ${ROWS}) i`);
    await admin.query(`VACUUM ANALYZE ${schema}.t`);
    const reader = new pg.Client({ ...s.pg });
    await reader.connect();
    const [raw, rawMs] = await timed(async () => {
      let n = 0;
      let last = '0';
      for (;;) {
        const r = await reader.query({ text: `SELECT id, a, b, c, d FROM ${schema}.t WHERE id > $1::int ORDER BY id LIMIT ${FETCH}`, values: [last], rowMode: 'array', types: TEXT });
        const arr = r.rows as unknown[][];
        if (arr.length === 0) break;
        n += arr.length;
        last = arr[arr.length - 1]![0] as string;
      }
      return n;
    });
    await reader.end();
    report('PostgreSQL raw keyset (pg, array rows, text)', raw, rawMs);
    const connection = { ...s.pg };
    const [rows, ms] = await timed(() => engine('postgres', connection, `${schema}\\.t`));
    report('PostgreSQL engine, 1 reader', rows, ms);
    const repl = new pg.Client({ ...s.pg, replication: 'database' } as pg.ClientConfig);
    await repl.connect();
    try {
      const created = await repl.query(`CREATE_REPLICATION_SLOT ${slot} LOGICAL pgoutput EXPORT_SNAPSHOT`);
      const [rows2, ms2] = await timed(() => engine('postgres', connection, `${schema}\\.t`, 2, created.rows[0].snapshot_name));
      report('PostgreSQL engine, 2 readers, exported snapshot', rows2, ms2);
    } finally {
      await repl.end();
      await admin.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => {});
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

const s = await testServices();
console.log(`rows=${ROWS} fetchSize=${FETCH}`);
await mariadb(s);
await postgres(s);
