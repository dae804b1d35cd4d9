/**
 * DDL while streaming (later events use the new table definition, schema change events on <topic.prefix>) and a
 * restart that re-reads events written before a DDL: they must decode with the definition they were written
 * under, not the table's current one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type mysql from 'mysql2/promise';
import { decodeDecimal } from '../schemas/index.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api, cleanupWorkerTopics, closeTestKafka, newWorkerSettings, startInProcessWorker, waitForStatus,
  type InProcessWorker, type WorkerSettings,
} from './harness/worker.js';
import { adminConnection, decodedTopic, mysqlConnectorConfig } from './mysql-helpers.js';

describe('MySQL connector: DDL', () => {
  let conn: mysql.Connection;
  let settings: WorkerSettings;
  let worker: InProcessWorker;
  const topics: string[] = [];
  const dbs: string[] = [];

  before(async () => {
    conn = await adminConnection();
    settings = newWorkerSettings('mysqlddl');
    worker = await startInProcessWorker(settings);
  });

  after(async () => {
    await worker?.stop();
    for (const db of dbs) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    await conn?.end();
    if (settings) await cleanupWorkerTopics(settings, topics);
    await closeTestKafka();
  });

  async function start(tag: string, ddl: string) {
    const db = uniqueName(`ddl_${tag}`);
    const prefix = uniqueName(`ddl_${tag}`);
    const name = uniqueName(tag);
    dbs.push(db);
    topics.push(`${prefix}.${db}.t`, `${prefix}.${db}.created`, prefix);
    await conn.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (${ddl})`);
    const res = await api(worker.url).post('/connectors', { name, config: await mysqlConnectorConfig(db, prefix) });
    assert.equal(res.status, 201, res.text);
    await waitFor(async () => (await api(worker.url).get(`/connectors/${name}/status`)).body?.tasks?.[0]?.progress?.phase === 'streaming',
      { message: 'streaming' });
    return { db, prefix, name, topic: `${prefix}.${db}.t` };
  }

  /** `after` of each event, by id. */
  async function afterById(topic: string, count: number): Promise<Map<number, Record<string, unknown>>> {
    await waitFor(async () => (await decodedTopic(topic)).length >= count, { message: `${count} events in ${topic}` });
    return new Map((await decodedTopic(topic)).map((d) => [(d.value!.after as any).id, d.value!.after as Record<string, unknown>]));
  }

  it('applies DDL during streaming: later rows use the new definition; schema change events are published', async () => {
    const { db, prefix, topic } = await start('live', 'id INT PRIMARY KEY, a INT, b VARCHAR(10)');
    const t = `\`${db}\`.t`;
    await conn.query(`INSERT INTO ${t} VALUES (1, 10, '5')`);
    await conn.query(`ALTER TABLE ${t} ADD COLUMN c INT NOT NULL DEFAULT 7`);
    await conn.query(`INSERT INTO ${t} VALUES (2, 20, '6', 8)`);
    await conn.query(`ALTER TABLE ${t} DROP COLUMN a, MODIFY b INT`);
    await conn.query(`INSERT INTO ${t} VALUES (3, 33, 9)`);
    await conn.query(`CREATE TABLE \`${db}\`.created (k VARCHAR(5) PRIMARY KEY, n INT); INSERT INTO \`${db}\`.created VALUES ('q', 1)`);

    const rows = await afterById(topic, 3);
    assert.deepEqual(rows.get(1), { id: 1, a: 10, b: '5' });
    assert.deepEqual(rows.get(2), { id: 2, a: 20, b: '6', c: 8 });
    assert.deepEqual(rows.get(3), { id: 3, b: 33, c: 9 });
    await waitFor(async () => (await decodedTopic(`${prefix}.${db}.created`)).length === 1, { message: 'row of the new table' });
    assert.deepEqual((await decodedTopic(`${prefix}.${db}.created`))[0]!.value!.after, { k: 'q', n: 1 });

    const streamed = async () => (await decodedTopic(prefix)).filter((d) => (d.value as any).source.snapshot === 'false');
    await waitFor(async () => (await streamed()).length >= 3, { message: 'schema change events' });
    // The snapshot's own schema change events come first, as Debezium's: the captured schema, rebuildable
    const snapshotDdl = (await decodedTopic(prefix)).filter((d) => (d.value as any).source.snapshot === 'true').map((d) => (d.value as any).ddl as string);
    assert.match(snapshotDdl[0]!, /^SET character_set_server=\w+, collation_server=\w+$/);
    assert.deepEqual(snapshotDdl.slice(1, 5), [
      `DROP TABLE IF EXISTS \`${db}\`.\`t\``, `DROP DATABASE IF EXISTS \`${db}\``, snapshotDdl[3], `USE \`${db}\``]);
    assert.match(snapshotDdl[3]!, new RegExp(`^CREATE DATABASE \`${db}\` CHARSET \\w+ COLLATE \\w+$`));
    assert.match(snapshotDdl[5]!, /^CREATE TABLE `t` \(/);
    const changes = (await streamed()).map((d) => d.value as any);
    assert.deepEqual((await streamed())[0]!.key, { databaseName: db });
    assert.deepEqual(changes.map((c) => c.ddl), [
      `ALTER TABLE ${t} ADD COLUMN c INT NOT NULL DEFAULT 7`,
      `ALTER TABLE ${t} DROP COLUMN a, MODIFY b INT`,
      `CREATE TABLE \`${db}\`.created (k VARCHAR(5) PRIMARY KEY, n INT)`,
    ]);
    assert.equal(changes[1].databaseName, db);
    assert.equal(changes[1].tableChanges[0].type, 'ALTER');
    assert.equal(changes[1].tableChanges[0].id, `"${db}"."t"`);
    assert.equal(changes[2].tableChanges[0].type, 'CREATE');
    assert.deepEqual(changes[2].tableChanges[0].table.primaryKeyColumnNames, ['k']);
    assert.equal(changes[0].source.connector, 'mysql');
  });

  it('decodes events written before a DDL with their own definition after a restart', async () => {
    const { db, name, topic } = await start('restart', 'id INT PRIMARY KEY, a INT, amount DECIMAL(5,2), note VARCHAR(10)');
    const t = `\`${db}\`.t`;
    await conn.query(`INSERT INTO ${t} VALUES (1, 1, 1.25, 'one')`);
    await afterById(topic, 1);
    assert.equal((await api(worker.url).put(`/connectors/${name}/stop`)).status, 204);
    await waitForStatus(worker.url, name, (s) => s.connector.state === 'STOPPED');

    // While the connector is stopped: rows under the old definition, then DDL that changes types, names and
    // column count, then rows under the new one. On resume all of it is read with the current definition in place.
    await conn.query(`INSERT INTO ${t} VALUES (2, 2, 2.50, 'two'); UPDATE ${t} SET a = 11 WHERE id = 1`);
    await conn.query(`ALTER TABLE ${t} MODIFY a VARCHAR(20), MODIFY amount DECIMAL(10,4), RENAME COLUMN note TO remark`);
    await conn.query(`INSERT INTO ${t} VALUES (3, 'three', 3.1234, 'r3')`);
    await conn.query(`ALTER TABLE ${t} ADD COLUMN extra INT FIRST`);
    await conn.query(`INSERT INTO ${t} VALUES (44, 4, '4', 4.0001, 'r4')`);
    assert.equal((await api(worker.url).put(`/connectors/${name}/resume`)).status, 202);

    await waitFor(async () => (await decodedTopic(topic)).length >= 5, { message: 'events after resume' });
    const events = (await decodedTopic(topic)).map((d) => d.value as any);
    const byId = (id: number) => events.filter((e) => e.after.id === id).at(-1).after;
    const dec = (v: string, scale: number) => decodeDecimal(Buffer.from(v, 'base64'), scale);

    const two = byId(2);
    assert.deepEqual(Object.keys(two), ['id', 'a', 'amount', 'note']);
    assert.deepEqual([two.a, dec(two.amount, 2), two.note], [2, '2.50', 'two']);
    const oneUpdated = events.filter((e) => e.after.id === 1 && e.op === 'u')[0];
    assert.deepEqual([oneUpdated.before.a, oneUpdated.after.a], [1, 11]);
    const three = byId(3);
    assert.deepEqual(Object.keys(three), ['id', 'a', 'amount', 'remark']);
    assert.deepEqual([three.a, dec(three.amount, 4), three.remark], ['three', '3.1234', 'r3']);
    const four = byId(4);
    assert.deepEqual(four, { extra: 44, id: 4, a: '4', amount: four.amount, remark: 'r4' });
    assert.equal(dec(four.amount, 4), '4.0001');
  });
});
