import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientProps, producerSettings, withClientOverrides } from '../../../../src/kafka/index.js';
import { ConfigError } from '../../../../src/errors/index.js';

const worker = { 'bootstrap.servers': 'k:9092', 'group.id': 'g', 'rest.port': '8083' };

function refused(fn: () => unknown, key: string, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.key, key);
    assert.match(err.message, pattern);
    assert.ok(err.message.includes(key), 'the message names the key as written');
    return true;
  });
}

test('defaults are Connect\'s source producer: idempotent, acks=all, no compression, 1 MiB requests, 30 s timeout', () => {
  const s = producerSettings(clientProps(worker, 'producer'));
  assert.deepEqual({ ...s.options, connection: undefined }, { idempotent: true, compression: 'none', requestTimeoutMs: 30000, connection: undefined });
  assert.deepEqual(s.options.connection, { brokers: ['k:9092'], protocol: 'PLAINTEXT' });
  assert.equal(s.maxRequestBytes, 1048576);
  assert.deepEqual(s.unused, {}, 'the worker\'s own keys (group.id, rest.port) are not producer settings');
});

test('compression, max.request.size, request.timeout.ms and client.id are honoured; a connector override wins over producer.*', () => {
  const base = clientProps({ ...worker, 'producer.compression.type': 'gzip', 'producer.max.request.size': '2097152' }, 'producer');
  assert.equal(producerSettings(base).options.compression, 'gzip');
  const s = producerSettings(withClientOverrides(base, { 'producer.override.compression.type': 'zstd', 'producer.override.request.timeout.ms': '5000', 'producer.override.client.id': 'mine' }));
  assert.equal(s.options.compression, 'zstd');
  assert.equal(s.options.requestTimeoutMs, 5000);
  assert.equal(s.options.clientId, 'mine');
  assert.equal(s.maxRequestBytes, 2097152);
  for (const c of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    assert.equal(producerSettings(clientProps({ ...worker, 'compression.type': c }, 'producer')).options.compression, c);
  }
});

test('settings that change delivery are refused with the key as written; tuning knobs are reported as unused', () => {
  const over = (o: Record<string, string>) => () => producerSettings(withClientOverrides(clientProps(worker, 'producer'), o));
  refused(over({ 'producer.override.compression.type': 'brotli' }), 'producer.override.compression.type', /not a compression type/);
  refused(over({ 'producer.override.acks': '1' }), 'producer.override.acks', /needs acks=all/);
  refused(over({ 'producer.override.acks': '1', 'producer.override.enable.idempotence': 'false' }), 'producer.override.acks', /only acks=all/);
  refused(over({ 'producer.override.max.in.flight.requests.per.connection': '5' }), 'producer.override.max.in.flight.requests.per.connection', /one request in flight/);
  refused(over({ 'producer.override.transactional.id': 't' }), 'producer.override.transactional.id', /names each task's transactional id itself/);
  refused(over({ 'producer.override.partitioner.class': 'com.acme.Mine' }), 'producer.override.partitioner.class', /default partitioner/);
  refused(() => producerSettings(clientProps({ ...worker, 'producer.max.request.size': 'big' }, 'producer')), 'producer.max.request.size', /whole number/);
  assert.equal(producerSettings(withClientOverrides(clientProps(worker, 'producer'), { 'producer.override.enable.idempotence': 'false' })).options.idempotent, false);

  const s = producerSettings(withClientOverrides(clientProps({ ...worker, 'producer.linger.ms': '5', 'batch.size': '65536' }, 'producer'), { 'producer.override.buffer.memory': '1', 'producer.override.frobnicate': 'x' }));
  assert.deepEqual(Object.keys(s.unused).sort(), ['batch.size', 'producer.linger.ms', 'producer.override.buffer.memory', 'producer.override.frobnicate']);
  assert.match(s.unused['producer.linger.ms']!, /sent as soon as they are queued/);
  assert.match(s.unused['producer.override.frobnicate']!, /not a Kafka producer setting/);
});

test('security settings come through: producer.* over the worker\'s, with errors naming the prefixed key', () => {
  const props = {
    ...worker, 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="w" password="pw";',
    'producer.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="p" password="pp";',
  };
  assert.deepEqual(producerSettings(clientProps(props, 'producer')).options.connection?.sasl, { mechanism: 'SCRAM-SHA-512', username: 'p', password: 'pp' });
  refused(() => producerSettings(withClientOverrides(clientProps(props, 'producer'), { 'producer.override.sasl.mechanism': 'GSSAPI' })), 'producer.override.sasl.mechanism', /GSSAPI|Kerberos/);
});
