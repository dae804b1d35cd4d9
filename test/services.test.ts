/**
 * Smoke test for the test bed: every service answers and is configured for CDC.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { testServices, uniqueName, waitFor, type TestServices } from './harness/services.js';

describe('test services', () => {
  let s: TestServices;

  before(async () => {
    s = await testServices();
  });

  describe('kafka', () => {
    let kafka: kafkajs.Kafka;
    let admin: kafkajs.Admin;
    const topic = uniqueName('smoke');

    before(async () => {
      kafka = new kafkajs.Kafka({ clientId: 'services-smoke', brokers: s.kafkaBrokers, logLevel: kafkajs.logLevel.NOTHING });
      admin = kafka.admin();
      await admin.connect();
    });

    after(async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    });

    it('lists topics and creates a compacted topic', async () => {
      assert.ok(Array.isArray(await admin.listTopics()));
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      });
      const cfg = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
      });
      assert.equal(cfg.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue, 'compact');
    });

    it('round-trips messages through an idempotent producer and a consumer group', async () => {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }] });
      } finally {
        await producer.disconnect();
      }
      const offsets = await admin.fetchTopicOffsets(topic);
      assert.equal(offsets[0]?.high, '2');

      const groupId = uniqueName('smoke_group');
      const consumer = kafka.consumer({ groupId });
      const seen: string[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(`${message.key?.toString()}=${message.value?.toString()}`);
          },
        });
        await waitFor(() => seen.length >= 2, { timeoutMs: 60_000, message: `consume 2 messages from ${topic}` });
        assert.deepEqual(seen, ['k1=v1', 'k2=v2']);
      } finally {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => {});
      }
    });
  });

  it('mariadb has a ROW binlog with full row images', async () => {
    const conn = await mysql.createConnection(s.mysql);
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'server_id')",
      );
      const vars = Object.fromEntries(rows.map((r) => [String(r.Variable_name), String(r.Value)]));
      assert.equal(vars.log_bin, 'ON');
      assert.equal(vars.binlog_format, 'ROW');
      assert.equal(vars.binlog_row_image, 'FULL');
      assert.notEqual(vars.server_id, '0');
    } finally {
      await conn.end();
    }
  });

  it('postgresql has wal_level=logical', async () => {
    const client = new pg.Client(s.pg);
    await client.connect();
    try {
      const r = await client.query<{ wal_level: string }>('SHOW wal_level');
      assert.equal(r.rows[0]?.wal_level, 'logical');
    } finally {
      await client.end();
    }
  });
});
