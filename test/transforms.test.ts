/**
 * Transforms, predicates and error handling through a real worker, MariaDB, PostgreSQL and Kafka: the config of
 * Debezium's tutorial (unwrap + route) gives flat rows on the routed topic; the outbox router sends each event
 * to its aggregate's topic; a record a transform fails on fails the task (errors.tolerance=none) or goes to the
 * dead letter queue (all) while everything else arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, isRunning, newWorkerSettings, readRawTopic, readTopic, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, mysqlConnectorConfig } from './mysql-helpers.js';
import { pgConnectorConfig, scratchDatabase } from './pg-helpers.js';

const PLAIN_JSON = { 'key.converter.schemas.enable': 'false', 'value.converter.schemas.enable': 'false' };

/** Debezium's tutorial transforms: unwrap the envelope, route `<prefix>.<schema>.<table>` to `<to>_<table>`. */
function tutorialTransforms(to: string): Record<string, string> {
  return {
    transforms: 'unwrap,route',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.drop.tombstones': 'false',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)',
    'transforms.route.replacement': `${to}_$3`,
  };
}

/** Latest value per key of a topic of flat JSON rows (a tombstone removes the key). */
async function latestRows(topic: string): Promise<Map<string, unknown>> {
  const state = new Map<string, unknown>();
  for (const r of await readTopic(topic)) {
    if (r.value === null) state.delete(r.key!);
    else state.set(r.key!, JSON.parse(r.value));
  }
  return state;
}

describe('transforms end to end', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  const topics: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  before(async () => {
    settings = newWorkerSettings('smt');
    w = await startInProcessWorker(settings);
    http = api(w.url);
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await w?.stop();
    await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  async function create(name: string, config: Record<string, string>): Promise<void> {
    const res = await http.post('/connectors', { name, config });
    assert.equal(res.status, 201, res.text);
    cleanups.push(() => http.delete(`/connectors/${name}`));
  }

  it('MariaDB: the tutorial config (unwrap, route) gives flat rows on the routed topic; a delete is a tombstone', async () => {
    const conn = await adminConnection();
    const db = uniqueName('smt_my');
    const prefix = uniqueName('smt_my');
    const routed = uniqueName('routed');
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    topics.push(`${routed}_customers`, `${prefix}.${db}.customers`, prefix);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.customers (id INT PRIMARY KEY, first_name VARCHAR(40), email VARCHAR(80) NOT NULL)`);
    await conn.query(`INSERT INTO \`${db}\`.customers VALUES (1, 'Sally', 'sally@example.com'), (2, 'George', 'gbailey@example.com'), (3, 'Edward', 'ed@walker.com')`);
    const name = uniqueName('tutorial_my');
    await create(name, await mysqlConnectorConfig(db, prefix, { ...tutorialTransforms(routed), ...PLAIN_JSON }));
    await waitForStatus(w.url, name, (s) => isRunning(s));
    await waitFor(async () => (await latestRows(`${routed}_customers`)).size === 3, { timeoutMs: 60_000, message: 'snapshot rows routed' });
    await conn.query(`UPDATE \`${db}\`.customers SET email = 'sally@new.example' WHERE id = 1`);
    await conn.query(`DELETE FROM \`${db}\`.customers WHERE id = 2`);
    await conn.query(`INSERT INTO \`${db}\`.customers VALUES (4, 'Anne', 'annek@noanswer.org')`);
    const expected = new Map<string, unknown>([
      ['{"id":1}', { id: 1, first_name: 'Sally', email: 'sally@new.example' }],
      ['{"id":3}', { id: 3, first_name: 'Edward', email: 'ed@walker.com' }],
      ['{"id":4}', { id: 4, first_name: 'Anne', email: 'annek@noanswer.org' }],
    ]);
    await waitFor(async () => JSON.stringify([...(await latestRows(`${routed}_customers`))].sort()) === JSON.stringify([...expected].sort()),
      { timeoutMs: 60_000, message: 'routed topic equals the table' });
    const raw = await readTopic(`${routed}_customers`);
    assert.ok(raw.some((r) => r.key === '{"id":2}' && r.value === null), 'the delete is a tombstone');
    assert.equal((await readTopic(`${prefix}.${db}.customers`)).length, 0, 'nothing on the unrouted topic');
  });

  it('PostgreSQL: the tutorial config (unwrap, route) gives flat rows on the routed topic', async () => {
    const scratch = await scratchDatabase('smt_pg');
    const prefix = uniqueName('smt_pg');
    const slot = uniqueName('smt_slot');
    const routed = uniqueName('routed');
    topics.push(`${routed}_customers`);
    await scratch.client.query('CREATE TABLE customers (id INT PRIMARY KEY, first_name TEXT, email TEXT NOT NULL)');
    await scratch.client.query(`INSERT INTO customers VALUES (1, 'Sally', 'sally@example.com'), (2, 'George', 'gbailey@example.com')`);
    const name = uniqueName('tutorial_pg');
    await create(name, await pgConnectorConfig(scratch.name, prefix, slot, { ...tutorialTransforms(routed), ...PLAIN_JSON }));
    cleanups.push(() => scratch.drop());
    await waitForStatus(w.url, name, (s) => isRunning(s));
    await waitFor(async () => (await latestRows(`${routed}_customers`)).size === 2, { timeoutMs: 60_000, message: 'snapshot rows routed' });
    await scratch.client.query(`UPDATE customers SET email = 'sally@new.example' WHERE id = 1`);
    await scratch.client.query('DELETE FROM customers WHERE id = 2');
    await waitFor(async () => {
      const rows = await latestRows(`${routed}_customers`);
      return rows.size === 1 && (rows.get('{"id":1}') as { email?: string } | undefined)?.email === 'sally@new.example';
    }, { timeoutMs: 60_000, message: 'routed topic equals the table' });
  });

  it('errors.tolerance: none fails the task naming the record; all skips it to the dead letter queue and delivers the rest', async () => {
    const conn = await adminConnection();
    const db = uniqueName('smt_err');
    const prefix = uniqueName('smt_err');
    const dlq = uniqueName('dlq');
    cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
    const topic = `${prefix}.${db}.t`;
    topics.push(topic, dlq, prefix);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL)`);
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (1, '10'), (2, 'abc'), (3, '30')`);
    // Cast fails on the one code that is not a number.
    const cast = {
      transforms: 'unwrap,cast',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.cast.spec': 'code:int32',
      ...PLAIN_JSON,
    };

    const failing = uniqueName('tol_none');
    const failingPrefix = uniqueName('smt_none');
    topics.push(failingPrefix, `${failingPrefix}.${db}.t`);
    await create(failing, await mysqlConnectorConfig(db, failingPrefix, cast));
    const failed = await waitForStatus(w.url, failing, (s) => s.tasks[0]?.state === 'FAILED');
    const trace = failed.tasks[0].trace as string;
    assert.match(trace, /Tolerance exceeded/);
    assert.match(trace, /Cast/);
    assert.match(trace, /\.t'/, 'the trace names the record\'s topic');
    assert.match(trace, /source partition/, 'and where it came from');

    const name = uniqueName('tol_all');
    await create(name, await mysqlConnectorConfig(db, prefix, {
      ...cast, 'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.topic.replication.factor': '1', 'errors.log.enable': 'true',
    }));
    await waitFor(async () => (await latestRows(topic)).size === 2, { timeoutMs: 60_000, message: 'the good rows' });
    await conn.query(`INSERT INTO \`${db}\`.t VALUES (4, 'x4'), (5, '50')`);
    await waitFor(async () => (await latestRows(topic)).size === 3 && (await readRawTopic(dlq)).length === 2, { timeoutMs: 60_000, message: 'rows and dead letters' });
    assert.deepEqual([...(await latestRows(topic)).values()].sort((a: any, b: any) => a.id - b.id), [{ id: 1, code: 10 }, { id: 3, code: 30 }, { id: 5, code: 50 }]);
    const dead = await readRawTopic(dlq);
    const first = dead[0]!;
    assert.equal(first.headers['__connect.errors.stage'], 'TRANSFORMATION');
    assert.equal(first.headers['__connect.errors.class.name'], 'org.apache.kafka.connect.transforms.Cast$Value');
    assert.equal(first.headers['__connect.errors.topic'], topic);
    assert.equal(first.headers['__connect.errors.connector.name'], name);
    assert.ok(first.headers['__connect.errors.source.partition'], 'the source partition, to find the change again');
    const original = JSON.parse(first.value!.toString());
    assert.equal(original.payload.after.code, 'abc', 'the original envelope, before any transform');
    assert.equal(JSON.parse(dead[1]!.value!.toString()).payload.after.code, 'x4');
    const status = await waitForStatus(w.url, name, (s) => isRunning(s) && s.tasks[0].progress?.skippedRecords === 2);
    assert.equal(status.tasks[0].progress.skippedRecords, 2);
  });

  for (const kind of ['MariaDB', 'PostgreSQL'] as const) {
    it(`${kind}: the outbox router sends each event to its aggregate's topic, keyed by aggregate id, payload as value, id header`, async () => {
      const route = uniqueName('outbox');
      topics.push(`${route}.Order`, `${route}.Customer`);
      const router = {
        transforms: 'outbox',
        'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
        'transforms.outbox.route.topic.replacement': `${route}.\${routedByValue}`,
        ...PLAIN_JSON,
      };
      let insert: (id: string, type: string, aggId: string, eventType: string, payload: string) => Promise<unknown>;
      const name = uniqueName('outbox');
      if (kind === 'MariaDB') {
        const conn = await adminConnection();
        const db = uniqueName('outbox_my');
        const prefix = uniqueName('outbox_my');
        topics.push(prefix);
        cleanups.push(async () => { await conn.query(`DROP DATABASE IF EXISTS \`${db}\``); await conn.end(); });
        await conn.query(`CREATE DATABASE \`${db}\``);
        await conn.query(`CREATE TABLE \`${db}\`.outbox (id VARCHAR(36) PRIMARY KEY, aggregatetype VARCHAR(255) NOT NULL, aggregateid VARCHAR(255) NOT NULL, type VARCHAR(255) NOT NULL, payload TEXT)`);
        insert = (id, type, aggId, eventType, payload) => conn.query(`INSERT INTO \`${db}\`.outbox VALUES (?, ?, ?, ?, ?)`, [id, type, aggId, eventType, payload]);
        await create(name, await mysqlConnectorConfig(db, prefix, { ...router, 'table.include.list': `${db}.outbox` }));
      } else {
        const scratch = await scratchDatabase('outbox_pg');
        await scratch.client.query('CREATE TABLE outbox (id UUID PRIMARY KEY, aggregatetype TEXT NOT NULL, aggregateid TEXT NOT NULL, type TEXT NOT NULL, payload TEXT)');
        insert = (id, type, aggId, eventType, payload) => scratch.client.query('INSERT INTO outbox VALUES ($1, $2, $3, $4, $5)', [id, type, aggId, eventType, payload]);
        await create(name, await pgConnectorConfig(scratch.name, uniqueName('outbox_pg'), uniqueName('outbox_slot'), { ...router, 'table.include.list': 'public.outbox' }));
        cleanups.push(() => scratch.drop());
      }
      await waitForStatus(w.url, name, (s) => isRunning(s));
      const ids = ['0b5c3a1e-0000-4000-8000-000000000001', '0b5c3a1e-0000-4000-8000-000000000002', '0b5c3a1e-0000-4000-8000-000000000003'];
      // The connector may still be snapshotting the empty table: the events go in once it streams.
      await waitFor(async () => {
        const s = (await http.get(`/connectors/${name}/status`)).body;
        return s.tasks?.[0]?.progress?.phase === 'streaming';
      }, { timeoutMs: 60_000, message: 'streaming' });
      await insert(ids[0]!, 'Order', 'order-1', 'OrderCreated', '{"total":10}');
      await insert(ids[1]!, 'Customer', 'cust-7', 'CustomerCreated', '{"name":"Sally"}');
      await insert(ids[2]!, 'Order', 'order-1', 'OrderPaid', '{"paid":true}');
      await waitFor(async () => (await readRawTopic(`${route}.Order`)).length === 2 && (await readRawTopic(`${route}.Customer`)).length === 1,
        { timeoutMs: 60_000, message: 'events routed per aggregate type' });
      const orders = await readRawTopic(`${route}.Order`);
      assert.deepEqual(orders.map((r) => r.key?.toString()), ['"order-1"', '"order-1"'], 'keyed by aggregate id (a JSON string)');
      assert.deepEqual(orders.map((r) => r.value?.toString()), ['"{\\"total\\":10}"', '"{\\"paid\\":true}"'], 'the payload column as the value');
      assert.deepEqual(orders.map((r) => r.headers['id']), [ids[0], ids[2]], 'the event id header');
    });
  }
});
