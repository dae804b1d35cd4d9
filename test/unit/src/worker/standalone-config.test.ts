import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../../src/errors/index.js';
import { loadWorkerConfig } from '../../../../src/worker/config.js';

const base = { CONNECT_BOOTSTRAP_SERVERS: 'kafka:9092', CONNECT_OFFSET_STORAGE_FILE_FILENAME: '/var/lib/tscdc/offsets.json' };
const standalone = (env: Record<string, string>) => loadWorkerConfig({ env, mode: 'standalone' });

function refused(env: Record<string, string>, key: string, pattern: RegExp): void {
  assert.throws(() => standalone(env), (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.key, key);
    assert.match(err.message, pattern);
    assert.ok(err.fix);
    return true;
  });
}

test('standalone: bootstrap.servers and offset.storage.file.filename suffice; no group or internal topic is needed', () => {
  const cfg = standalone(base);
  assert.equal(cfg.mode, 'standalone');
  assert.equal(cfg.offsetStorageFile, '/var/lib/tscdc/offsets.json');
  assert.deepEqual(cfg.bootstrapServers, ['kafka:9092']);
  assert.equal(cfg.exactlyOnceSource, false);
  assert.equal(cfg.offsetFlushIntervalMs, 60000);
});

test('standalone: offset.storage.file.filename is required', () => {
  refused({ CONNECT_BOOTSTRAP_SERVERS: 'kafka:9092' }, 'offset.storage.file.filename', /offset\.storage\.file\.filename/);
  refused({ ...base, CONNECT_OFFSET_STORAGE_FILE_FILENAME: ' ' }, 'offset.storage.file.filename', /offset\.storage\.file\.filename/);
});

test('standalone: a distributed worker\'s keys are refused, naming the key', () => {
  const cases: Record<string, string> = {
    'group.id': 'cdc', 'config.storage.topic': 'c', 'offset.storage.topic': 'o', 'status.storage.topic': 's',
    'offset.storage.replication.factor': '3', 'status.storage.partitions': '5', 'config.storage.min.insync.replicas': '2',
    'session.timeout.ms': '10000', 'heartbeat.interval.ms': '3000', 'rebalance.timeout.ms': '60000',
    'scheduled.rebalance.max.delay.ms': '0', 'connect.protocol': 'sessioned',
  };
  for (const [key, value] of Object.entries(cases)) {
    assert.throws(() => loadWorkerConfig({ env: base, overrides: { [key]: value }, mode: 'standalone' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.key, key);
      assert.match(err.message, /cannot be honoured in standalone mode/);
      return true;
    }, key);
  }
});

test('standalone: exactly.once.source.support=enabled is refused; disabled is accepted', () => {
  refused({ ...base, CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'enabled' }, 'exactly.once.source.support', /standalone/);
  assert.equal(standalone({ ...base, CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'disabled' }).exactlyOnceSource, false);
});

test('distributed: offset.storage.file.filename has no effect and is reported as such; mode is distributed', () => {
  const cfg = loadWorkerConfig({
    env: { ...base, CONNECT_GROUP_ID: 'g', CONNECT_CONFIG_STORAGE_TOPIC: 'c', CONNECT_OFFSET_STORAGE_TOPIC: 'o', CONNECT_STATUS_STORAGE_TOPIC: 's' },
  });
  assert.equal(cfg.mode, 'distributed');
  assert.equal(cfg.offsetStorageFile, null);
  assert.match(cfg.warnings['offset.storage.file.filename'] ?? '', /standalone/);
});
