/**
 * Snapshot failures as a user meets them: wrong credentials and missing privileges fail at once with a code and
 * a fix (and without the password); an unreachable server is retriable; a reader connection killed mid-table is
 * reconnected and the table continues after the last delivered chunk, every row still delivered exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { CdcError, type ErrorCode } from '../src/errors/index.js';
import { discoverTables, runSnapshot, type DbConnectionConfig, type SnapshotChunk } from '../snapshot/index.js';
import type { MySqlConnectionConfig } from '../src/db/mysql.js';
import { testServices, uniqueName } from './harness/services.js';

async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function assertCdcError(err: unknown, code: ErrorCode, retriable: boolean, secret?: string): true {
  assert.ok(err instanceof CdcError, `a CdcError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(err.retriable, retriable);
  if (!retriable) assert.ok(err.fix && err.fix.length > 10, 'says how to fix it');
  if (secret) assert.ok(!err.describe().includes(secret) && !(err.stack ?? '').includes(secret), 'no password in the error');
  return true;
}

describe('snapshot errors and recovery (MariaDB)', () => {
  const db = uniqueName('snaperr');
  const user = uniqueName('snapuser');
  const secret = `pw-${uniqueName('s')}`;
  let admin: mysql.Connection;
  let connection: MySqlConnectionConfig;

  before(async () => {
    const s = await testServices();
    connection = { host: s.mysql.host, port: s.mysql.port, user: s.mysql.user, password: s.mysql.password, database: db };
    admin = await mysql.createConnection({ ...s.mysql, multipleStatements: true });
    await admin.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v INT)`);
    await admin.query(`INSERT INTO \`${db}\`.t VALUES ?`, [Array.from({ length: 1000 }, (_, i) => [i, i])]);
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${secret}'`);
  });

  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin?.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin?.end();
  });

  it('a wrong password is not retriable, names the fix and hides the password', async () => {
    await assert.rejects(
      discoverTables({ dialect: 'mariadb', connection: { ...connection, user, password: `${secret}-wrong` } }),
      (e) => assertCdcError(e, 'SOURCE_ACCESS_DENIED', false, secret),
    );
  });

  it('a user without privileges on the table is not retriable', async () => {
    const [table] = await discoverTables({ dialect: 'mariadb', connection, filters: { databaseInclude: [db] } });
    await assert.rejects(
      runSnapshot({ dialect: 'mariadb', connection: { ...connection, database: undefined, user, password: secret }, tables: [table!], onChunk: async () => {} }),
      (e) => assertCdcError(e, 'SOURCE_ACCESS_DENIED', false, secret),
    );
  });

  it('an unreachable server is retriable', async () => {
    const port = await closedPort();
    await assert.rejects(discoverTables({ dialect: 'mariadb', connection: { ...connection, port } }), (e) => assertCdcError(e, 'SOURCE_UNREACHABLE', true));
  });

  it("an error from the caller's callback fails the run as it is, without a retry that would skip the chunk", async () => {
    const [table] = await discoverTables({ dialect: 'mariadb', connection, filters: { databaseInclude: [db] } });
    const sendFailed = new CdcError('KAFKA_UNAVAILABLE', 'send failed', { retriable: true });
    let calls = 0;
    await assert.rejects(
      runSnapshot({ dialect: 'mariadb', connection, tables: [table!], fetchSize: 100, onChunk: async () => { calls++; throw sendFailed; } }),
      (e) => e === sendFailed,
    );
    assert.equal(calls, 1);
  });

  it('a reader connection killed mid-table is reconnected and the table continues after the last delivered chunk', async () => {
    const [table] = await discoverTables({ dialect: 'mariadb', connection, filters: { databaseInclude: [db] } });
    const chunks: SnapshotChunk[] = [];
    let killed = 0;
    const result = await runSnapshot({
      dialect: 'mariadb', connection, tables: [table!], fetchSize: 100,
      async onChunk(c) {
        chunks.push(c);
        if (c.info.index === 2 && killed === 0) {
          const [rows] = await admin.query('SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [db]);
          for (const r of rows as Array<{ ID: number }>) {
            await admin.query(`KILL CONNECTION ${r.ID}`);
            killed++;
          }
        }
      },
    });
    assert.equal(killed, 1, 'the reader was killed');
    assert.equal(result.completed, true);
    const ids = chunks.flatMap((c) => c.rows.map((r) => r[0] as number));
    assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => i), 'every row once, in key order');
    assert.deepEqual(chunks.map((c) => c.info.index), chunks.map((_, i) => i));
  });
});

describe('snapshot errors and recovery (PostgreSQL)', () => {
  const schema = uniqueName('snaperr');
  const role = uniqueName('snaprole');
  let admin: pg.Client;
  let connection: DbConnectionConfig;

  before(async () => {
    const s = await testServices();
    connection = { host: s.pg.host, port: s.pg.port, user: s.pg.user, password: s.pg.password, database: s.pg.database };
    admin = new pg.Client({ ...s.pg });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY, v int); INSERT INTO ${schema}.t SELECT i, i FROM generate_series(0, 999) i;`);
    await admin.query(`CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
  });

  after(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.end();
  });

  it('a role without SELECT on the table is not retriable', async () => {
    const [table] = await discoverTables({ dialect: 'postgres', connection, filters: { databaseInclude: [schema] } });
    await assert.rejects(
      runSnapshot({ dialect: 'postgres', connection: { ...connection, user: role }, tables: [table!], onChunk: async () => {} }),
      (e) => assertCdcError(e, 'SOURCE_ACCESS_DENIED', false),
    );
  });

  it('an unknown database is not retriable', async () => {
    await assert.rejects(
      discoverTables({ dialect: 'postgres', connection: { ...connection, database: uniqueName('nodb') } }),
      (e) => assertCdcError(e, 'SOURCE_DATABASE_UNKNOWN', false),
    );
  });

  it('an exported snapshot that no longer exists says how to resume', async () => {
    const [table] = await discoverTables({ dialect: 'postgres', connection, filters: { databaseInclude: [schema] } });
    await assert.rejects(
      runSnapshot({ dialect: 'postgres', connection, tables: [table!], exportedSnapshot: '00000003-0000001B-1', onChunk: async () => {} }),
      (e) => assertCdcError(e, 'SNAPSHOT_EXPORT_GONE', false),
    );
  });

  it('an unreachable server is retriable', async () => {
    const port = await closedPort();
    await assert.rejects(discoverTables({ dialect: 'postgres', connection: { ...connection, port } }), (e) => assertCdcError(e, 'SOURCE_UNREACHABLE', true));
  });

  it('a terminated reader is reconnected and the table continues after the last delivered chunk', async () => {
    const app = uniqueName('snapapp');
    const [table] = await discoverTables({ dialect: 'postgres', connection, filters: { databaseInclude: [schema] } });
    const chunks: SnapshotChunk[] = [];
    let terminated = 0;
    const result = await runSnapshot({
      dialect: 'postgres', connection: { ...connection, applicationName: app }, tables: [table!], fetchSize: 100,
      async onChunk(c) {
        chunks.push(c);
        if (c.info.index === 2 && terminated === 0) {
          const r = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [app]);
          terminated = r.rows.filter((x) => x.ok).length;
        }
      },
    });
    assert.equal(terminated, 1);
    assert.equal(result.completed, true);
    const ids = chunks.flatMap((c) => c.rows.map((r) => Number(r[0])));
    assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => i), 'every row once, in key order');
  });
});
