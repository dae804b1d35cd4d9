/**
 * What users see when something is wrong: validate errors per key with the fix in words (wrong password, wrong
 * port, missing privileges, bad keys), a FAILED task whose trace says how to fix it, no secret anywhere, and a
 * lost server connection retried without losing changes.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, decodedTopic, mysqlConnectorConfig } from './mysql-helpers.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('MySQL connector: errors users see', () => {
  let conn: mysql.Connection;
  let settings: WorkerSettings;
  let worker: InProcessWorker;
  const db = uniqueName('errs');
  const user = uniqueName('cdc');
  const secret = `S3cret-${uniqueName('pw')}`;
  const topics: string[] = [];

  before(async () => {
    conn = await adminConnection();
    await conn.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, v INT)`);
    await conn.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${secret}'`);
    await conn.query(`GRANT SELECT ON \`${db}\`.* TO '${user}'@'%'`);
    settings = newWorkerSettings('mysqlerrs');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    await worker?.stop();
    await conn?.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    await conn?.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => undefined);
    await conn?.end();
    if (settings) await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  async function validate(config: Record<string, string>) {
    const r = await api(worker.url).put('/connector-plugins/MySqlConnector/config/validate', { name: 'validate-me', ...config });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(secret), 'the password must never be echoed');
    const errors: Record<string, string[]> = {};
    for (const c of r.body.configs) if (c.value.errors.length > 0) errors[c.value.name] = c.value.errors;
    return { count: r.body.error_count as number, errors };
  }

  it('wrong password: access denied on database.user and database.password, with the fix', async () => {
    const config = await mysqlConnectorConfig(db, 'p', { 'database.user': user, 'database.password': 'not-the-password' });
    const { errors } = await validate(config);
    const expected = `Access denied for ${user}@${config['database.hostname']}:${config['database.port']} while checking the server. ` +
      'Fix: Check database.user and database.password, and that the user may connect from this host.';
    assert.deepEqual(errors['database.user'], [expected]);
    assert.deepEqual(errors['database.password'], [expected]);
  });

  it('wrong port: not reachable, on database.hostname and database.port', async () => {
    const port = await closedPort();
    const { errors } = await validate(await mysqlConnectorConfig(db, 'p', { 'database.port': String(port) }));
    const message = errors['database.port']?.[0] ?? '';
    assert.equal(message,
      `MySQL/MariaDB at 127.0.0.1:${port} is not reachable while checking the server: connect ECONNREFUSED 127.0.0.1:${port} ` +
      'Fix: Check database.hostname and database.port, and that the server is running and accepts connections from this worker.');
    assert.deepEqual(errors['database.hostname'], [message]);
  });

  it('a user without replication privileges: which privileges and the GRANT to run', async () => {
    const { count, errors } = await validate(await mysqlConnectorConfig(db, 'p', { 'database.user': user, 'database.password': secret }));
    assert.equal(count, 1);
    assert.deepEqual(errors['database.user'], [
      `User '${user}' lacks the privileges REPLICATION SLAVE, BINLOG MONITOR needed to read the binlog and the captured tables. ` +
      `Fix: Run GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${user}'@'%' (or the user's host); SELECT may be granted per captured database instead.`,
    ]);
    // Creating it is refused with the same message
    const r = await api(worker.url).post('/connectors', { name: uniqueName('nogrant'), config: await mysqlConnectorConfig(db, 'p', { 'database.user': user, 'database.password': secret }) });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /lacks the privileges REPLICATION SLAVE, BINLOG MONITOR/);
    assert.ok(!r.text.includes(secret));
  });

  it('bad keys and values: per-key messages', async () => {
    const { errors } = await validate(await mysqlConnectorConfig(db, 'p', {
      'snapshot.mode': 'sometimes', 'database.hostnam': 'x', 'decimal.handling.mode': 'exact',
    }));
    assert.deepEqual(errors['snapshot.mode'], [
      'Invalid value sometimes for configuration snapshot.mode: String must be one of (case insensitive): initial, initial_only, no_data, when_needed, always',
    ]);
    assert.equal(errors['database.hostnam'], undefined, 'an unknown key is accepted (Connect does), only reported');
    assert.match(errors['decimal.handling.mode']![0]!, /String must be one of \(case insensitive\): precise, double, string/);
  });

  it('a running connector whose privileges are revoked fails with the fix in its trace', async () => {
    await conn.query(`GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${user}'@'%'`);
    const name = uniqueName('revoked');
    const prefix = uniqueName('revoked');
    topics.push(`${prefix}.${db}.t`, prefix);
    const r = await api(worker.url).post('/connectors', {
      name, config: await mysqlConnectorConfig(db, prefix, { 'database.user': user, 'database.password': secret }),
    });
    assert.equal(r.status, 201, r.text);
    await waitForStatus(worker.url, name, (s) => isRunning(s));
    assert.equal((await api(worker.url).put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(worker.url, name, (s) => s.connector.state === 'STOPPED');
    await conn.query(`REVOKE REPLICATION SLAVE ON *.* FROM '${user}'@'%'`);
    assert.equal((await api(worker.url).put(`/connectors/${name}/resume`)).status, 202);
    const status = await waitForStatus(worker.url, name, (s) => s.tasks[0]?.state === 'FAILED');
    const trace: string = status.tasks[0].trace;
    assert.ok(trace.startsWith(
      `MYSQL_MISSING_PRIVILEGES: User '${user}' lacks the privilege REPLICATION SLAVE needed to read the binlog and the captured tables. ` +
      `Fix: Run GRANT REPLICATION SLAVE ON *.* TO '${user}'@'%'`), trace);
    assert.ok(!trace.includes(secret));
    assert.ok(!worker.logs().includes(secret), 'the password must never be logged');
  });

  it('a lost binlog connection is retried and no change is lost', async () => {
    const name = uniqueName('reconnect');
    const prefix = uniqueName('reconnect');
    const topic = `${prefix}.${db}.t`;
    topics.push(topic, prefix);
    const dumpsBefore = await binlogDumps();
    const r = await api(worker.url).post('/connectors', { name, config: await mysqlConnectorConfig(db, prefix, { 'snapshot.mode': 'no_data' }) });
    assert.equal(r.status, 201, r.text);
    await waitFor(async () => (await api(worker.url).get(`/connectors/${name}/status`)).body?.tasks?.[0]?.progress?.phase === 'streaming', { message: 'streaming' });
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (1, 1)`);
    await waitFor(async () => (await decodedTopic(topic)).length === 1, { message: 'first change' });
    // Kill the connector's replication connection on the server, then write while it reconnects
    const ours = await waitFor(async () => (await binlogDumps()).filter((id) => !dumpsBefore.includes(id)), { message: 'binlog dump thread' });
    for (const id of ours) await conn.query(`KILL ${id}`);
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (2, 2); UPDATE \`${db}\`.t SET v = 10 WHERE id = 1`);
    await waitFor(async () => (await decodedTopic(topic)).length >= 3, { message: 'changes after the reconnect' });
    const ops = (await decodedTopic(topic)).map((d) => `${(d.value as any).op}:${(d.value as any).after.id}`);
    assert.deepEqual(ops, ['c:1', 'c:2', 'u:1']);
    assert.ok(isRunning((await api(worker.url).get(`/connectors/${name}/status`)).body));
    assert.match(worker.logs(), /binlog reader failed; reconnecting/);
  });

  it('a connector deleted while its task is still starting stops at once and leaves no binlog connection behind', async () => {
    // The stop can land while the task is between its first queries and the binlog reader's start.
    const starter = uniqueName('starter');
    await conn.query(`CREATE USER '${starter}'@'%' IDENTIFIED BY '${secret}'`);
    try {
      await conn.query(`GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${starter}'@'%'`);
      for (let round = 0; round < 6; round++) {
        const name = uniqueName('deleted-early');
        const prefix = uniqueName('early');
        topics.push(`${prefix}.${db}.t`, prefix);
        const config = await mysqlConnectorConfig(db, prefix, { 'database.user': starter, 'database.password': secret, 'snapshot.mode': 'no_data' });
        assert.equal((await api(worker.url).post('/connectors', { name, config })).status, 201);
        await waitForStatus(worker.url, name, (st) => isRunning(st));
        await new Promise((resolve) => setTimeout(resolve, round * 7));
        let timer: NodeJS.Timeout | undefined;
        const deleted = await Promise.race([
          api(worker.url).delete(`/connectors/${name}`).then((r) => r.status),
          new Promise<string>((resolve) => { timer = setTimeout(() => resolve('DELETE still waiting after 60 s: the task never stopped'), 60_000); }),
        ]);
        clearTimeout(timer);
        assert.equal(deleted, 204, `round ${round}`);
        await waitFor(async () => {
          const [rows] = await conn.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump' AND USER = ?", [starter]) as any;
          return (rows as unknown[]).length === 0;
        }, { timeoutMs: 30_000, message: `round ${round}: the deleted connector's binlog connection closed` });
      }
    } finally {
      await conn.query(`DROP USER IF EXISTS '${starter}'@'%'`);
    }
  });

  async function binlogDumps(): Promise<number[]> {
    const [rows] = await conn.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'") as any;
    return (rows as Array<{ ID: number }>).map((r) => Number(r.ID));
  }
});
