import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadWorkerConfig } from '../../../../src/worker/config.js';
import { checkTaskClients, taskClients } from '../../../../src/worker/task-clients.js';

const env = {
  CONNECT_BOOTSTRAP_SERVERS: 'k:9092', CONNECT_GROUP_ID: 'g', CONNECT_CONFIG_STORAGE_TOPIC: 'c',
  CONNECT_OFFSET_STORAGE_TOPIC: 'o', CONNECT_STATUS_STORAGE_TOPIC: 's',
};
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="secret-pw";';

test('a task\'s producer: the worker\'s producer.* settings, then the connector\'s producer.override.*', () => {
  const { kafka } = loadWorkerConfig({ env: { ...env, CONNECT_PRODUCER_COMPRESSION_TYPE: 'lz4' } });
  assert.equal(taskClients(kafka, {}).producer.options.compression, 'lz4');
  assert.equal(taskClients(kafka, { 'producer.override.compression.type': 'snappy' }).producer.options.compression, 'snappy');
  assert.equal(taskClients(kafka, {}).signalConsumer, null, 'no signal.* client settings: the worker\'s consumer');
});

test('validate reports unhonourable client settings on their key; admin/consumer overrides are refused', () => {
  const { kafka } = loadWorkerConfig({ env });
  assert.deepEqual(checkTaskClients(kafka, { 'producer.override.compression.type': 'zstd' }), {});
  const errors = checkTaskClients(kafka, { 'producer.override.max.in.flight.requests.per.connection': '5' });
  assert.deepEqual(Object.keys(errors), ['producer.override.max.in.flight.requests.per.connection']);
  assert.deepEqual(Object.keys(checkTaskClients(kafka, { 'admin.override.security.protocol': 'SSL' })), ['admin.override.security.protocol']);
  assert.deepEqual(Object.keys(checkTaskClients(kafka, { 'consumer.override.max.poll.records': '1' })), ['consumer.override.max.poll.records']);
  const sasl = checkTaskClients(kafka, { 'producer.override.sasl.jaas.config': JAAS });
  assert.deepEqual(Object.keys(sasl), ['producer.override.sasl.jaas.config'], 'SASL settings without security.protocol are refused');
  assert.ok(!JSON.stringify(sasl).includes('secret-pw'), 'no secret in the error');
});

test('the Kafka signal consumer takes signal.kafka.bootstrap.servers and Debezium\'s signal.consumer.* over the worker\'s consumer settings', () => {
  const { kafka } = loadWorkerConfig({ env });
  const own = taskClients(kafka, {
    'signal.kafka.bootstrap.servers': 'other:9093', 'signal.consumer.security.protocol': 'SASL_PLAINTEXT',
    'signal.consumer.sasl.mechanism': 'PLAIN', 'signal.consumer.sasl.jaas.config': JAAS,
  }).signalConsumer;
  assert.deepEqual(own, { brokers: ['other:9093'], protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'u', password: 'secret-pw' } });
  const bad = checkTaskClients(kafka, { 'signal.consumer.security.protocol': 'SASL_SSL' });
  assert.ok(Object.keys(bad)[0]!.startsWith('signal.consumer.'), JSON.stringify(bad));
});

test('worker-level: a bad TLS/SASL setting stops the worker naming the key; unused producer/consumer keys become warnings', () => {
  assert.throws(() => loadWorkerConfig({ env: { ...env, CONNECT_SECURITY_PROTOCOL: 'SSL', CONNECT_SSL_TRUSTSTORE_TYPE: 'PEM', CONNECT_SSL_TRUSTSTORE_LOCATION: '/nonexistent/ca.pem' } }),
    (err: Error & { key?: string }) => err.key === 'ssl.truststore.location');
  assert.throws(() => loadWorkerConfig({ env: { ...env, CONNECT_PRODUCER_ACKS: '0' } }), (err: Error & { key?: string }) => err.key === 'producer.acks');
  const { warnings } = loadWorkerConfig({ env: { ...env, CONNECT_PRODUCER_LINGER_MS: '10', CONNECT_CONSUMER_MAX_POLL_RECORDS: '5' } });
  assert.deepEqual(Object.keys(warnings).sort(), ['consumer.max.poll.records', 'producer.linger.ms']);
});
