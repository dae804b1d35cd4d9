/**
 * TLS to the databases, against the test bed's MariaDB and PostgreSQL, which offer TLS with a certificate of
 * their own CA (CN localhost, subjectAltName 127.0.0.1 and localhost). Every mode snapshots and streams, and the
 * server says the streaming connection used TLS when the mode asks for it:
 *  - MariaDB has no per-connection TLS column for other sessions (PROCESSLIST has none, performance_schema is
 *    off), so the connector logs in as a user created `REQUIRE SSL`: the server refuses every plain connection
 *    of that user, the binlog dump included, and the test sees that user's `Binlog Dump` thread. `disabled`
 *    streams as a plain user and is refused as the REQUIRE SSL one.
 *  - PostgreSQL: pg_stat_ssl of the connector's walsender (pg_stat_activity, by its application_name).
 * The plain fallbacks go through proxies that hide the servers' TLS (db-tls-proxies.ts); PostgreSQL's are also
 * tested through pg_hba rules of the test bed (prefer refused over TLS, allow refused in plain text). A wrong CA
 * and a wrong host name ("127.1": getaddrinfo's 127.0.0.1, but to Node a name the certificate does not hold)
 * fail in validate and, swapped in through a file config provider and the CA file, in the task's trace.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { PG_TLS_TEST_ROLES } from '../scripts/testbed/postgres.js';
import { dbTls, testServices, uniqueName, waitFor, type DbTls, type TestServices } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { mysqlWithoutTls, pgWithoutTls } from './db-tls-proxies.js';
import { adminConnection, decodedTopic, mysqlConnectorConfig } from './mysql-helpers.js';
import { pgConnectorConfig, scratchDatabase, type ScratchDb } from './pg-helpers.js';

const s: TestServices = await testServices();
const tls: DbTls | undefined = dbTls(s);
const skip = tls ? false : 'the databases of these services offer no TLS (only the native test bed\'s do)';
let settings: WorkerSettings;
let worker: InProcessWorker;
let dir: string;
const topics: string[] = [];

before(async () => {
  if (!tls) return;
  dir = mkdtempSync(join(tmpdir(), 'db-tls-'));
  settings = newWorkerSettings('dbtls', {
    'config.providers': 'file',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  });
  worker = await startInProcessWorker(settings);
});

after(async () => {
  await worker?.stop();
  if (settings) await cleanupWorkerTopics(settings, topics);
  await closeTestKafka();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Errors per key of a validate call. */
async function validate(plugin: string, config: Record<string, string>): Promise<Record<string, string[]>> {
  const r = await api(worker.url).put(`/connector-plugins/${plugin}/config/validate`, { name: 'validate-me', ...config });
  assert.equal(r.status, 200, r.text);
  const errors: Record<string, string[]> = {};
  for (const c of r.body.configs) if (c.value.errors.length > 0) errors[c.value.name] = c.value.errors;
  return errors;
}

/** Creates the connector, waits for the snapshot's row 1 and then a streamed row; leaves it running. */
async function snapshotsAndStreams(name: string, config: Record<string, string>, topic: string, insert: (id: number) => Promise<void>): Promise<void> {
  topics.push(topic, config['topic.prefix']!);
  const r = await api(worker.url).post('/connectors', { name, config });
  assert.equal(r.status, 201, r.text);
  await waitForStatus(worker.url, name, (st) => isRunning(st));
  const ops = async () => (await decodedTopic(topic)).map((d) => `${(d.value as any)?.op}:${(d.value as any)?.after?.id}`);
  await waitFor(async () => (await ops()).includes('r:1'), { timeoutMs: 60_000, message: `${name}: snapshot of row 1` });
  const id = 1000 + Math.floor(Math.random() * 1_000_000_000);
  await insert(id);
  await waitFor(async () => (await ops()).includes(`c:${id}`), { timeoutMs: 60_000, message: `${name}: streamed row ${id}` });
}

async function remove(name: string): Promise<void> {
  assert.equal((await api(worker.url).delete(`/connectors/${name}`)).status, 204);
}

/** Stops, changes files, resumes, and returns the trace of the failed task (or connector). */
async function failAfter(name: string, change: () => void, restart: 'resume' | 'restart'): Promise<string> {
  if (restart === 'resume') {
    assert.equal((await api(worker.url).put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(worker.url, name, (st) => st.connector.state === 'STOPPED');
    change();
    assert.equal((await api(worker.url).put(`/connectors/${name}/resume`)).status, 202);
  } else {
    change();
    const r = await api(worker.url).post(`/connectors/${name}/restart?includeTasks=true`);
    assert.ok(r.status === 202 || r.status === 204, r.text);
  }
  const st = await waitForStatus(worker.url, name, (x) => x.tasks[0]?.state === 'FAILED' || x.connector.state === 'FAILED');
  return String(st.tasks[0]?.trace ?? st.connector.trace);
}

describe('MariaDB over TLS (database.ssl.mode)', { skip }, () => {
  let conn: mysql.Connection;
  const db = uniqueName('dbtls');
  const tlsUser = uniqueName('tlsonly');
  const anyUser = uniqueName('anytls');

  before(async () => {
    conn = await adminConnection();
    await conn.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (id BIGINT PRIMARY KEY, v INT); INSERT INTO \`${db}\`.t VALUES (1, 1)`);
    await conn.query(`CREATE USER '${tlsUser}'@'%' REQUIRE SSL`);
    await conn.query(`CREATE USER '${anyUser}'@'%'`);
    for (const u of [tlsUser, anyUser]) await conn.query(`GRANT ALL PRIVILEGES ON *.* TO '${u}'@'%'`);
  });

  after(async () => {
    if (!conn) return;
    await conn.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    for (const u of [tlsUser, anyUser]) await conn.query(`DROP USER IF EXISTS '${u}'@'%'`).catch(() => undefined);
    await conn.end();
  });

  const insert = (id: number) => conn.query(`INSERT INTO \`${db}\`.t VALUES (?, 0)`, [id]).then(() => undefined);
  const binlogDumps = async (user: string) =>
    ((await conn.query(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ? AND COMMAND LIKE 'Binlog Dump%'`, [user]))[0] as any)[0].n as number;

  for (const mode of ['preferred', 'required', 'verify_ca', 'verify_identity']) {
    it(`${mode}: snapshot and binlog over TLS (as a REQUIRE SSL user)`, async () => {
      const name = uniqueName(`my-${mode}`);
      const prefix = uniqueName('mytls');
      const ca: Record<string, string> = mode.startsWith('verify') ? { 'database.ssl.ca': tls!.mysqlCa } : {};
      const config = await mysqlConnectorConfig(db, prefix, { 'database.user': tlsUser, 'database.ssl.mode': mode, ...ca });
      await snapshotsAndStreams(name, config, `${prefix}.${db}.t`, insert);
      assert.ok(await binlogDumps(tlsUser) >= 1, 'the binlog is read by the REQUIRE SSL user, so over TLS');
      await remove(name);
    });
  }

  it('disabled: plain connections; the REQUIRE SSL user is refused', async () => {
    const name = uniqueName('my-disabled');
    const prefix = uniqueName('mytls');
    await snapshotsAndStreams(name, await mysqlConnectorConfig(db, prefix, { 'database.user': anyUser, 'database.ssl.mode': 'disabled' }), `${prefix}.${db}.t`, insert);
    await remove(name);
    const errors = await validate('MySqlConnector', await mysqlConnectorConfig(db, prefix, { 'database.user': tlsUser, 'database.ssl.mode': 'disabled' }));
    assert.match(errors['database.user']?.[0] ?? '', /Access denied for/);
  });

  it('preferred: a server that offers no TLS gets plain connections (binlog included)', async () => {
    const proxy = await mysqlWithoutTls(s.mysql.host, s.mysql.port);
    try {
      const name = uniqueName('my-fallback');
      const prefix = uniqueName('mytls');
      const config = await mysqlConnectorConfig(db, prefix, { 'database.user': anyUser, 'database.port': String(proxy.port) });
      await snapshotsAndStreams(name, config, `${prefix}.${db}.t`, insert);
      assert.ok(await binlogDumps(anyUser) >= 1);
      assert.ok(proxy.connections >= 3, `snapshot, control and binlog connections went through the proxy (${proxy.connections})`);
      assert.equal(proxy.tlsRequests, 0);
      await remove(name);
      const errors = await validate('MySqlConnector', { ...config, 'database.ssl.mode': 'required' });
      assert.match(errors['database.ssl.mode']?.[0] ?? '', /does not offer TLS, but database.ssl.mode=required requires it\. Fix: Enable TLS on the server/);
    } finally {
      await proxy.close();
    }
  });

  it('a wrong CA and a wrong host name fail validate on database.ssl.mode, naming the key and the fix', async () => {
    const prefix = uniqueName('mytls');
    const wrongCa = await validate('MySqlConnector', await mysqlConnectorConfig(db, prefix, { 'database.ssl.mode': 'verify_ca', 'database.ssl.ca': tls!.otherCa }));
    assert.match(wrongCa['database.ssl.mode']?.[0] ?? '',
      new RegExp(`^TLS to MySQL/MariaDB at 127\\.0\\.0\\.1: the server's certificate is not trusted by database\\.ssl\\.ca \\(${tls!.otherCa.replace(/[.]/g, '\\.')}\\) .* Fix: Set database\\.ssl\\.ca`));
    const wrongHost = await validate('MySqlConnector', await mysqlConnectorConfig(db, prefix, {
      'database.hostname': '127.1', 'database.ssl.mode': 'verify_identity', 'database.ssl.ca': tls!.mysqlCa }));
    assert.match(wrongHost['database.ssl.mode']?.[0] ?? '', /the server's certificate does not name "127\.1" \(database\.ssl\.mode=verify_identity\).* Fix: Set database\.hostname to a name/);
    const sameHostVerifyCa = await validate('MySqlConnector', await mysqlConnectorConfig(db, prefix, {
      'database.hostname': '127.1', 'database.ssl.mode': 'verify_ca', 'database.ssl.ca': tls!.mysqlCa }));
    assert.deepEqual(sameHostVerifyCa, {}, 'verify_ca does not check the host name');
    const unknownMode = await api(worker.url).post('/connectors', { name: uniqueName('my-bad-mode'), config: await mysqlConnectorConfig(db, prefix, { 'database.ssl.mode': 'verify_full' }) });
    assert.equal(unknownMode.status, 400);
    assert.match(unknownMode.body.message, /Invalid value verify_full for configuration database\.ssl\.mode/);
  });

  it('a CA or host that turns wrong fails the task with the fix in its trace', async () => {
    const ca = join(dir, 'mysql-ca.pem');
    copyFileSync(tls!.mysqlCa, ca);
    const hostFile = join(dir, 'mysql-host.properties');
    writeFileSync(hostFile, `host=${s.mysql.host}\n`);
    const name = uniqueName('my-turns-wrong');
    const prefix = uniqueName('mytls');
    const config = await mysqlConnectorConfig(db, prefix, {
      'database.user': tlsUser, 'database.hostname': `\${file:${hostFile}:host}`, 'database.ssl.mode': 'verify_identity', 'database.ssl.ca': ca });
    await snapshotsAndStreams(name, config, `${prefix}.${db}.t`, insert);
    const caTrace = await failAfter(name, () => copyFileSync(tls!.otherCa, ca), 'resume');
    // the host name comes from a config provider, so the trace shows [hidden] for it (no provided value is echoed)
    assert.match(caTrace, new RegExp(`^MYSQL_TLS_FAILED: TLS to MySQL/MariaDB at \\[hidden\\]: the server's certificate is not trusted by database\\.ssl\\.ca \\(${ca.replace(/[.]/g, '\\.')}\\)`));
    assert.match(caTrace, /Fix: Set database\.ssl\.ca \(PEM\) or database\.ssl\.truststore to the CA that signed/);
    const hostTrace = await failAfter(name, () => { copyFileSync(tls!.mysqlCa, ca); writeFileSync(hostFile, 'host=127.1\n'); }, 'resume');
    assert.match(hostTrace, /^MYSQL_TLS_FAILED: TLS to MySQL\/MariaDB at \[hidden\]: the server's certificate does not name "\[hidden\]" \(database\.ssl\.mode=verify_identity\)/);
    assert.match(hostTrace, /Fix: Set database\.hostname to a name the server's certificate holds/);
    await remove(name);
  });
});

describe('PostgreSQL over TLS (database.sslmode)', { skip }, () => {
  let db: ScratchDb;
  const users: string[] = [];
  const slots: string[] = [];

  before(async () => {
    db = await scratchDatabase('dbtls');
    await db.client.query('CREATE TABLE t (id BIGINT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 1)');
  });

  after(async () => {
    if (!db) return;
    await db.drop();
    for (const u of users) await db.client.query(`DROP ROLE IF EXISTS "${u}"`).catch(() => undefined);
  });

  /** A superuser that is a member of one of the test bed's pg_hba roles. */
  async function memberOf(role: string): Promise<string> {
    const u = uniqueName('pgtls');
    users.push(u);
    // on the scratch database's client: roles are cluster-wide
    await db.client.query(`CREATE ROLE "${u}" LOGIN SUPERUSER IN ROLE ${role}`);
    return u;
  }

  const insert = (id: number) => db.client.query('INSERT INTO t VALUES ($1, 0)', [id]).then(() => undefined);

  /** pg_stat_ssl.ssl of the connector's walsenders (its pgoutput stream), once there is one. */
  async function walsenderSsl(name: string): Promise<boolean[]> {
    return waitFor(async () => {
      const r = await db.client.query(
        `SELECT s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.backend_type = 'walsender' AND a.application_name = $1 AND a.state <> 'idle in transaction'`,
        [`tscdc/${name}`]);
      return r.rows.length > 0 ? r.rows.map((row) => row.ssl as boolean) : undefined;
    }, { message: `walsender of ${name}` });
  }

  async function capture(label: string, extra: Record<string, string>, expectSsl: boolean, port = s.pg.port): Promise<void> {
    const name = uniqueName(`pg-${label}`);
    const prefix = uniqueName('pgtls');
    const slot = uniqueName('slot').replace(/-/g, '_');
    slots.push(slot);
    const config = await pgConnectorConfig(db.name, prefix, slot, { 'database.port': String(port), 'slot.drop.on.stop': 'true', ...extra });
    await snapshotsAndStreams(name, config, `${prefix}.public.t`, insert);
    assert.deepEqual([...new Set(await walsenderSsl(name))], [expectSsl], `${label}: the replication connection ${expectSsl ? 'uses' : 'does not use'} TLS`);
    await remove(name);
  }

  it('disable: plain', () => capture('disable', { 'database.sslmode': 'disable' }, false));
  it('allow: plain when the server takes it', () => capture('allow', { 'database.sslmode': 'allow' }, false));
  it('prefer (the default): TLS', () => capture('prefer', {}, true));
  it('require: TLS', () => capture('require', { 'database.sslmode': 'require' }, true));
  it('require with sslrootcert (verify-ca, as libpq): TLS', () => capture('require-ca', { 'database.sslmode': 'require', 'database.sslrootcert': tls!.pgCa }, true));
  it('verify-ca: TLS', () => capture('verify-ca', { 'database.sslmode': 'verify-ca', 'database.sslrootcert': tls!.pgCa }, true));
  it('verify-full: TLS', () => capture('verify-full', { 'database.sslmode': 'verify-full', 'database.sslrootcert': tls!.pgCa }, true));

  it('allow: TLS when the server refuses plain (pg_hba hostnossl reject)', async () => {
    await capture('allow-tls', { 'database.sslmode': 'allow', 'database.user': await memberOf(PG_TLS_TEST_ROLES.refusePlain) }, true);
  });

  it('prefer: plain when the server refuses TLS (pg_hba hostssl reject)', async () => {
    await capture('prefer-refused', { 'database.user': await memberOf(PG_TLS_TEST_ROLES.refuseTls) }, false);
  });

  it('prefer: plain when the server offers no TLS; require then fails with the fix', async () => {
    const proxy = await pgWithoutTls(s.pg.host, s.pg.port);
    try {
      await capture('prefer-no-tls', {}, false, proxy.port);
      assert.ok(proxy.tlsRequests >= 2, `every connection asked for TLS first and went on in plain text (${proxy.tlsRequests})`);
      const errors = await validate('PostgresConnector', await pgConnectorConfig(db.name, 'p', 'x', { 'database.port': String(proxy.port), 'database.sslmode': 'require' }));
      assert.match(errors['database.sslmode']?.[0] ?? '', /does not offer TLS, but database\.sslmode=require requires it\..*Fix: Enable TLS on the server \(ssl = on/);
    } finally {
      await proxy.close();
    }
  });

  it('a client certificate is sent where the server asks for one (sslcert, sslkey)', async () => {
    const user = await memberOf(PG_TLS_TEST_ROLES.clientCert);
    const base = await pgConnectorConfig(db.name, 'p', 'x', { 'database.user': user, 'database.sslmode': 'verify-full', 'database.sslrootcert': tls!.pgCa });
    assert.match(Object.values(await validate('PostgresConnector', base)).flat().join('\n'), /connection requires a valid client certificate/, 'without one the server refuses');
    await capture('client-cert', { 'database.user': user, 'database.sslmode': 'verify-full', 'database.sslrootcert': tls!.pgCa,
      'database.sslcert': tls!.clientCert, 'database.sslkey': tls!.clientKey }, true);
  });

  it('a wrong CA and a wrong host name fail validate on database.sslmode, naming the key and the fix', async () => {
    const wrongCa = await validate('PostgresConnector', await pgConnectorConfig(db.name, 'p', 'x', { 'database.sslmode': 'verify-ca', 'database.sslrootcert': tls!.otherCa }));
    assert.match(wrongCa['database.sslmode']?.[0] ?? '',
      /^PG_TLS_FAILED: TLS to PostgreSQL at 127\.0\.0\.1: the server's certificate is not trusted by database\.sslrootcert \(.*other-ca\.pem\) .* Fix: Set database\.sslrootcert to the CA/);
    const wrongHost = await validate('PostgresConnector', await pgConnectorConfig(db.name, 'p', 'x', {
      'database.hostname': '127.1', 'database.sslmode': 'verify-full', 'database.sslrootcert': tls!.pgCa }));
    assert.match(wrongHost['database.sslmode']?.[0] ?? '', /the server's certificate does not name "127\.1" \(database\.sslmode=verify-full\).* Fix: Set database\.hostname/);
    assert.deepEqual(await validate('PostgresConnector', await pgConnectorConfig(db.name, 'p', 'x', {
      'database.hostname': '127.1', 'database.sslmode': 'verify-ca', 'database.sslrootcert': tls!.pgCa })), {}, 'verify-ca does not check the host name');
    const unknownMode = await api(worker.url).post('/connectors', { name: uniqueName('pg-bad-mode'), config: await pgConnectorConfig(db.name, 'p', 'x', { 'database.sslmode': 'verify_full' }) });
    assert.equal(unknownMode.status, 400);
    assert.match(unknownMode.body.message, /Invalid value verify_full for configuration database\.sslmode/);
  });

  it('a CA or host that turns wrong fails the task with the fix in its trace', async () => {
    const ca = join(dir, 'pg-ca.pem');
    copyFileSync(tls!.pgCa, ca);
    const hostFile = join(dir, 'pg-host.properties');
    writeFileSync(hostFile, `host=${s.pg.host}\n`);
    const name = uniqueName('pg-turns-wrong');
    const prefix = uniqueName('pgtls');
    const slot = uniqueName('slot').replace(/-/g, '_');
    const config = await pgConnectorConfig(db.name, prefix, slot, {
      'database.hostname': `\${file:${hostFile}:host}`, 'database.sslmode': 'verify-full', 'database.sslrootcert': ca, 'slot.drop.on.stop': 'true' });
    await snapshotsAndStreams(name, config, `${prefix}.public.t`, insert);
    const caTrace = await failAfter(name, () => copyFileSync(tls!.otherCa, ca), 'resume');
    // the host name comes from a config provider, so the trace shows [hidden] for it (no provided value is echoed)
    assert.match(caTrace, /^PG_TLS_FAILED: TLS to PostgreSQL at \[hidden\]: the server's certificate is not trusted by database\.sslrootcert/);
    assert.match(caTrace, /Fix: Set database\.sslrootcert to the CA that signed/);
    const hostTrace = await failAfter(name, () => { copyFileSync(tls!.pgCa, ca); writeFileSync(hostFile, 'host=127.1\n'); }, 'restart');
    assert.match(hostTrace, /^PG_TLS_FAILED: TLS to PostgreSQL at \[hidden\]: the server's certificate does not name "\[hidden\]" \(database\.sslmode=verify-full\)/);
    assert.match(hostTrace, /Fix: Set database\.hostname to a name the server's certificate holds/);
    writeFileSync(hostFile, `host=${s.pg.host}\n`);
    await remove(name);
  });
});
