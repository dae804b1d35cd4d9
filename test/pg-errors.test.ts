/**
 * What users see when the server or the config is not right: Connect's validate response (also what a create
 * answers with) and a FAILED task's trace, each with the fix in words and no secrets. wal_level is checked
 * against the machine's default PostgreSQL on 5432 (wal_level=replica) read-only: validate only connects and
 * reads settings and catalogs there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startReplicationStream, type ReplicationStream } from '../binlog/postgres/index.js';
import { testServices, uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { pgClient, pgConnectorConfig, scratchDatabase, slotState, type ScratchDb } from './pg-helpers.js';

const PLUGIN = 'io.debezium.connector.postgresql.PostgresConnector';
const SECRET = 'Sup3r-S3cret-Pa55';

describe('PostgreSQL connector errors', () => {
  let db: ScratchDb;
  let worker: InProcessWorker;
  let settings: WorkerSettings;
  const roles: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    db = await scratchDatabase('pgerr');
    await db.client.query(`CREATE TABLE t (id int PRIMARY KEY, v text)`);
    settings = newWorkerSettings('pgerr');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await db?.drop();
    const admin = await pgClient();
    for (const r of roles) await admin.query(`DROP ROLE IF EXISTS "${r}"`).catch(() => undefined);
    await admin.end();
    await cleanupWorkerTopics(settings).catch(() => undefined);
    await closeTestKafka();
  });

  async function role(opts: string): Promise<string> {
    const name = uniqueName('pgerr_role');
    roles.push(name);
    await db.client.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${SECRET}' ${opts}`);
    await db.client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${name}"; GRANT CREATE ON DATABASE "${db.name}" TO "${name}"`);
    return name;
  }

  async function validate(config: Record<string, string>) {
    const res = await api(worker.url).put(`/connector-plugins/${PLUGIN}/config/validate`, { name: 'validate-me', ...config });
    assert.equal(res.status, 200, res.text);
    assert.ok(!res.text.includes(SECRET), 'no secret in the validate response');
    const errors: Record<string, string[]> = {};
    for (const c of res.body.configs) if (c.value.errors.length) errors[c.value.name] = c.value.errors;
    return errors;
  }

  const config = (extra: Record<string, string> = {}) =>
    pgConnectorConfig(db.name, uniqueName('pgerr'), uniqueName('pgerr'), { 'database.password': SECRET, ...extra });

  it('accepts a good config', async () => {
    assert.deepEqual(await validate(await config()), {});
  });

  it('reports bad config values with Connect\'s messages', async () => {
    const errors = await validate(await config({ 'plugin.name': 'decoderbufs', 'snapshot.mode': 'bogus', 'slot.name': 'Bad-Name' }));
    assert.deepEqual(errors['plugin.name'], [
      'Invalid value decoderbufs for configuration plugin.name: Only the pgoutput logical decoding plugin is supported (built into PostgreSQL 10+); set plugin.name=pgoutput. decoderbufs is not supported by this service.',
    ]);
    assert.deepEqual(errors['snapshot.mode'], [
      'Invalid value bogus for configuration snapshot.mode: String must be one of (case insensitive): initial, initial_only, no_data, when_needed, always',
    ]);
    assert.deepEqual(errors['slot.name'], [
      'Invalid value Bad-Name for configuration slot.name: Replication slot names may only contain lower-case letters, digits and underscores (at most 63 characters)',
    ]);
    const missing = await validate(Object.fromEntries(Object.entries(await config()).filter(([k]) => k !== 'topic.prefix')));
    assert.deepEqual(missing['topic.prefix'], ['Missing required configuration "topic.prefix" which has no default value.']);
  });

  it('reports unknown users, missing databases and unreachable servers', async () => {
    const user = uniqueName('nobody');
    assert.deepEqual((await validate(await config({ 'database.user': user })))['database.password'], [
      `PG_AUTH_FAILED: PostgreSQL error while validating the connection: role "${user}" does not exist Fix: Check database.user and database.password (user "${user}"), and that pg_hba.conf lets this user connect to database "${db.name}" (also for replication connections).`,
    ]);
    assert.deepEqual((await validate(await config({ 'database.dbname': 'no_such_db' })))['database.dbname'], [
      'PG_DATABASE_MISSING: PostgreSQL error while validating the connection: database "no_such_db" does not exist Fix: Set database.dbname to an existing database, or create "no_such_db".',
    ]);
    const unreachable = (await validate(await config({ 'database.port': '1' })))['database.hostname'];
    assert.equal(unreachable?.length, 1);
    assert.match(unreachable![0]!, /^PG_UNAVAILABLE: PostgreSQL error while validating the connection: connect ECONNREFUSED 127\.0\.0\.1:1 Fix: Check database\.hostname and database\.port, and that PostgreSQL is running/);
  });

  it('reports wal_level other than logical (read-only check of the default server on 5432)', async () => {
    const s = await testServices();
    const errors = await validate({
      ...(await config()), 'database.port': '5432', 'database.dbname': 'postgres', 'database.user': s.pg.user,
    });
    assert.deepEqual(errors['plugin.name'], [
      'PG_WAL_LEVEL: PostgreSQL has wal_level=replica; logical decoding needs wal_level=logical. Fix: Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL.',
    ]);
  });

  it('reports a user without REPLICATION', async () => {
    const user = await role('');
    const errors = await validate(await config({ 'database.user': user, 'publication.autocreate.mode': 'filtered' }));
    assert.deepEqual(errors['database.user'], [
      `PG_REPLICATION_PRIVILEGE: User "${user}" has neither the REPLICATION attribute nor superuser, so it cannot use logical replication. Fix: Run ALTER ROLE "${user}" WITH REPLICATION (as a superuser), or connect as a user that has it.`,
    ]);
  });

  it('reports a publication owned by someone else (filtered) and FOR ALL TABLES without superuser', async () => {
    const user = await role('REPLICATION');
    const pub = uniqueName('pgerr_pub');
    await db.client.query(`CREATE PUBLICATION "${pub}" FOR TABLE t`);
    cleanups.push(async () => { await db.client.query(`DROP PUBLICATION IF EXISTS "${pub}"`); });
    const errors = await validate(await config({ 'database.user': user, 'publication.name': pub, 'publication.autocreate.mode': 'filtered' }));
    assert.deepEqual(errors['publication.name'], [
      `PG_PUBLICATION_OWNER: Publication "${pub}" is owned by "postgres", not by the connector user "${user}", so its table list cannot be updated for publication.autocreate.mode=filtered. Fix: Make the connector user own it (ALTER PUBLICATION "${pub}" OWNER TO "${user}"), or set publication.autocreate.mode=disabled and keep the publication's table list up to date yourself.`,
    ]);
    const missing = uniqueName('pgerr_pub');
    const allTables = await validate(await config({ 'database.user': user, 'publication.name': missing }));
    assert.deepEqual(allTables['publication.name'], [
      `PG_PUBLICATION_PRIVILEGE: Publication "${missing}" does not exist, and creating it FOR ALL TABLES needs a superuser; "${user}" is not one. Fix: Create the publication as a superuser (CREATE PUBLICATION "${missing}" FOR ALL TABLES), or set publication.autocreate.mode=filtered so the connector creates it for the captured tables it owns.`,
    ]);
  });

  describe('at runtime: the task FAILS with the fix, the password nowhere', () => {
    let stream: ReplicationStream | null = null;
    after(async () => { await stream?.close(); });

    async function running(extra: Record<string, string>) {
      const name = uniqueName('pgerr');
      const cfg = await config({ 'slot.retry.delay.ms': '100', 'slot.max.retries': '2', 'slot.drop.on.stop': 'true', ...extra });
      const res = await api(worker.url).post('/connectors', { name, config: cfg });
      assert.equal(res.status, 201, res.text);
      cleanups.push(async () => { await api(worker.url).delete(`/connectors/${name}`); });
      await waitForStatus(worker.url, name, (s) => isRunning(s));
      await waitFor(async () => (await slotState(db.client, cfg['slot.name']!))?.active === true, { timeoutMs: 30_000, message: 'streaming' });
      return { name, cfg };
    }
    async function failedTrace(name: string): Promise<string> {
      const status = await waitForStatus(worker.url, name, (s) => s.tasks[0]?.state === 'FAILED', `${name} FAILED`);
      const trace = status.tasks[0].trace as string;
      assert.ok(!trace.includes(SECRET), 'no secret in the trace');
      return trace;
    }

    it('when the slot is in use by another client', async () => {
      const { name, cfg } = await running({});
      assert.equal((await api(worker.url).put(`/connectors/${name}/stop`)).status, 204);
      await waitFor(async () => (await slotState(db.client, cfg['slot.name']!))?.active === false, { timeoutMs: 30_000, message: 'slot released' });
      const s = await testServices();
      stream = await startReplicationStream({
        connection: { host: s.pg.host, port: s.pg.port, user: s.pg.user, database: db.name },
        slotName: cfg['slot.name']!, publicationNames: [cfg['publication.name']!], startLsn: 0n, initialFlushLsn: 0n,
      });
      assert.equal((await api(worker.url).put(`/connectors/${name}/resume`)).status, 202);
      const trace = await failedTrace(name);
      assert.match(trace, new RegExp(`^PG_SLOT_IN_USE: PostgreSQL error while (streaming from|dropping) replication slot "${cfg['slot.name']}": replication slot "${cfg['slot.name']}" is active for PID \\d+ Fix: Another client is reading replication slot "${cfg['slot.name']}"\\. Stop that client \\(or another connector using the same slot\\.name\\), or give this connector its own slot\\.name\\.`));
      await stream.close();
      stream = null;
      assert.ok(!worker.logs().includes(SECRET), 'no secret in the logs');
    });

    it('when the user lost REPLICATION', async () => {
      const user = await role('REPLICATION');
      // A non-superuser can only publish tables it owns.
      await db.client.query(`CREATE TABLE "t_${user}" (id int PRIMARY KEY); ALTER TABLE "t_${user}" OWNER TO "${user}"`);
      const { name } = await running({ 'database.user': user, 'publication.autocreate.mode': 'filtered', 'table.include.list': `public.t_${user}` });
      assert.equal((await api(worker.url).put(`/connectors/${name}/stop`)).status, 204);
      await db.client.query(`ALTER ROLE "${user}" NOREPLICATION`);
      assert.equal((await api(worker.url).put(`/connectors/${name}/resume`)).status, 202);
      const trace = await failedTrace(name);
      assert.ok(trace.startsWith(`PG_REPLICATION_PRIVILEGE: User "${user}" has neither the REPLICATION attribute nor superuser, so it cannot use logical replication. Fix: Run ALTER ROLE "${user}" WITH REPLICATION (as a superuser), or connect as a user that has it.`), trace);
      assert.ok(!worker.logs().includes(SECRET), 'no secret in the logs');
    });
  });
});
