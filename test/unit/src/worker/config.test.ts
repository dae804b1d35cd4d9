import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envToWorkerProps, loadWorkerConfig, maskWorkerProps } from '../../../../src/worker/config.js';
import { ConfigError } from '../../../../src/errors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-worker-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const requiredEnv = {
  CONNECT_BOOTSTRAP_SERVERS: 'kafka:9092',
  CONNECT_GROUP_ID: 'cdc',
  CONNECT_CONFIG_STORAGE_TOPIC: 'cdc-configs',
  CONNECT_OFFSET_STORAGE_TOPIC: 'cdc-offsets',
  CONNECT_STATUS_STORAGE_TOPIC: 'cdc-status',
};

function expectConfigError(fn: () => unknown, key: string | undefined, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.key, key);
    assert.match(err.message, pattern);
    assert.ok(err.fix);
    return true;
  });
}

test('CONNECT_* variables map to worker properties as the Connect images do', () => {
  assert.deepEqual(
    envToWorkerProps({
      CONNECT_BOOTSTRAP_SERVERS: 'k:9092', CONNECT_REST_PORT: '8084', CONNECT_REST_ADVERTISED_HOST_NAME: 'cdc-1',
      CONNECT_CONFIG_PROVIDERS_FILE_PARAM_ALLOWED__PATHS: '/x', CONNECT_SOME___DASHED_KEY: 'd', LOG_LEVEL: 'debug', HOME: '/root', CONNECT_: 'ignored',
      NOT_CONNECT_X: 'y',
    }),
    {
      'bootstrap.servers': 'k:9092', 'rest.port': '8084', 'rest.advertised.host.name': 'cdc-1',
      'config.providers.file.param.allowed_paths': '/x', 'some-dashed.key': 'd', 'log.level': 'debug',
    },
  );
});

test('defaults: the docker-compose environment alone gives a complete worker config', () => {
  const cfg = loadWorkerConfig({ env: { ...requiredEnv, CONNECT_REST_PORT: '8083' } });
  assert.deepEqual(cfg.bootstrapServers, ['kafka:9092']);
  assert.equal(cfg.groupId, 'cdc');
  assert.equal(cfg.configStorageTopic, 'cdc-configs');
  assert.equal(cfg.offsetStorageTopic, 'cdc-offsets');
  assert.equal(cfg.statusStorageTopic, 'cdc-status');
  assert.equal(cfg.configStorageReplicationFactor, -1);
  assert.equal(cfg.offsetStorageReplicationFactor, -1);
  assert.equal(cfg.statusStorageReplicationFactor, -1);
  assert.equal(cfg.offsetStoragePartitions, 25);
  assert.equal(cfg.statusStoragePartitions, 5);
  assert.equal(cfg.restHost, '0.0.0.0');
  assert.equal(cfg.restPort, 8083);
  assert.equal(cfg.restAdvertisedHostName, null);
  assert.equal(cfg.restAdvertisedPort, null);
  assert.equal(cfg.keyConverter, 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(cfg.valueConverter, 'org.apache.kafka.connect.json.JsonConverter');
  assert.equal(cfg.keyConverterSchemasEnable, true);
  assert.equal(cfg.valueConverterSchemasEnable, true);
  assert.deepEqual(cfg.pluginPath, []);
  assert.equal(cfg.offsetFlushIntervalMs, 60000);
  assert.equal(cfg.taskShutdownGracefulTimeoutMs, 5000);
  assert.deepEqual(cfg.configProviders, []);
  assert.equal(cfg.topicCreationEnable, true);
  assert.equal(cfg.logLevel, 'info');
  assert.equal(cfg.logFormat, 'json');
  assert.deepEqual(cfg.warnings, {});
});

test('file < CONNECT_* env < overrides; unknown keys are kept for the Kafka clients', () => {
  const path = file('worker.properties', [
    'bootstrap.servers=file:9092', 'group.id=from-file', 'config.storage.topic=c', 'offset.storage.topic=o', 'status.storage.topic=s',
    'rest.port=1111', 'value.converter.schemas.enable=false', 'security.protocol=SASL_PLAINTEXT', 'offset.storage.partitions=3',
    'sasl.mechanism=PLAIN', 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
  ].join('\n'));
  const cfg = loadWorkerConfig({ file: path, env: { CONNECT_GROUP_ID: 'from-env', CONNECT_REST_PORT: '2222' }, overrides: { 'rest.port': '3333' } });
  assert.deepEqual(cfg.bootstrapServers, ['file:9092']);
  assert.equal(cfg.groupId, 'from-env');
  assert.equal(cfg.restPort, 3333);
  assert.equal(cfg.valueConverterSchemasEnable, false);
  assert.equal(cfg.offsetStoragePartitions, 3);
  assert.equal(cfg.props['security.protocol'], 'SASL_PLAINTEXT');
  assert.deepEqual(cfg.kafka.connection.sasl, { mechanism: 'PLAIN', username: 'u', password: 'p' });
});

test('missing required keys throw a ConfigError naming them', () => {
  expectConfigError(() => loadWorkerConfig({ env: {} }), 'bootstrap.servers', /Missing required configuration "bootstrap.servers".*"group.id"/);
  const { CONNECT_GROUP_ID: _, ...noGroup } = requiredEnv;
  expectConfigError(() => loadWorkerConfig({ env: noGroup }), 'group.id', /Missing required configuration "group.id" which has no default value\./);
});

test('known keys with bad values throw, naming the key and the reason', () => {
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_REST_PORT: 'eighty' } }), 'rest.port',
    /Invalid value eighty for configuration rest\.port: Not a number of type INT/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_REST_PORT: '70000' } }), 'rest.port', /between 0 and 65535/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '0' } }),
    'offset.storage.replication.factor', /-1 \(broker default\) or at least 1/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_VALUE_CONVERTER: 'io.confluent.connect.other.OtherConverter' } }),
    'value.converter', /Not supported by this service/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_BOOTSTRAP_SERVERS: 'kafka' } }), 'bootstrap.servers', /"kafka" is not host:port/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, LOG_FORMAT: 'xml' } }), 'log.format', /one of \(case insensitive\): json, pretty/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'always' } }), 'exactly.once.source.support', /disabled, preparing, enabled/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_TOPIC_CREATION_ENABLE: 'maybe' } }), 'topic.creation.enable', /true or false/);
});

test('exactly.once.source.support: enabled turns transactions on; preparing behaves as disabled', () => {
  assert.equal(loadWorkerConfig({ env: requiredEnv }).exactlyOnceSource, false);
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'enabled' } }).exactlyOnceSource, true);
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'preparing' } }).exactlyOnceSource, false);
});

test('bootstrap.servers accepts several brokers, IPv6 and a PLAINTEXT:// prefix', () => {
  const cfg = loadWorkerConfig({ env: { ...requiredEnv, CONNECT_BOOTSTRAP_SERVERS: 'a:9092, [::1]:9093,PLAINTEXT://b.example:9094' } });
  assert.deepEqual(cfg.bootstrapServers, ['a:9092', '[::1]:9093', 'PLAINTEXT://b.example:9094']);
});

test('listeners takes precedence over rest.host.name/rest.port; empty host means all interfaces', () => {
  assert.deepEqual(pick(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'http://127.0.0.1:9000', CONNECT_REST_PORT: '1' } })), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(pick(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'http://:8084' } })), { host: '0.0.0.0', port: 8084 });
  assert.deepEqual(pick(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'HTTP://[::1]:8085/' } })), { host: '::1', port: 8085 });
  assert.deepEqual(pick(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_REST_HOST_NAME: 'localhost', CONNECT_REST_PORT: '0' } })), { host: 'localhost', port: 0 });
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'ftp://:8443' } }), 'listeners', /ftp is not supported; use http or https/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'https://:8443' } }), 'ssl.keystore.location', /an https listener needs/);
  assert.deepEqual(loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'http://:1,http://127.0.0.1:2' } }).rest.listeners,
    [{ protocol: 'http', host: '0.0.0.0', port: 1 }, { protocol: 'http', host: '127.0.0.1', port: 2 }]);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_LISTENERS: 'localhost:8083' } }), 'listeners', /protocol:\/\/host:port/);
});

function pick(cfg: { restHost: string; restPort: number }) {
  return { host: cfg.restHost, port: cfg.restPort };
}

test('log level from LOG_LEVEL or log.level, case-insensitive with Log4j spellings; CONNECT_LOG_LEVEL wins', () => {
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, LOG_LEVEL: 'DEBUG' } }).logLevel, 'debug');
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, LOG_LEVEL: 'WARNING' } }).logLevel, 'warn');
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, LOG_LEVEL: 'OFF' } }).logLevel, 'silent');
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, LOG_LEVEL: 'debug', CONNECT_LOG_LEVEL: 'error' } }).logLevel, 'error');
  assert.equal(loadWorkerConfig({ env: { ...requiredEnv, LOG_FORMAT: 'Pretty' } }).logFormat, 'pretty');
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, LOG_LEVEL: 'loud' } }), 'log.level', /Invalid value loud/);
});

test('config.providers are validated, and resolve references in the worker config itself', () => {
  const secrets = file('kafka-secrets.properties', 'jaas=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="kafka-pw";\n');
  const cfg = loadWorkerConfig({
    env: {
      ...requiredEnv, KAFKA_HOST: 'broker.internal', CONNECT_CONFIG_PROVIDERS: 'env,file',
      CONNECT_BOOTSTRAP_SERVERS: '${env:KAFKA_HOST}:9092', CONNECT_SASL_JAAS_CONFIG: `\${file:${secrets}:jaas}`,
      CONNECT_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', CONNECT_SASL_MECHANISM: 'PLAIN',
    },
  });
  assert.deepEqual(cfg.bootstrapServers, ['broker.internal:9092']);
  assert.deepEqual(cfg.configProviders.map((p) => `${p.name}:${p.kind}`), ['env:env', 'file:file']);
  assert.match(cfg.props['sasl.jaas.config']!, /password="kafka-pw"/);
  assert.equal(maskWorkerProps(cfg.props)['sasl.jaas.config'], '[hidden]');
  assert.equal(maskWorkerProps(cfg.props)['group.id'], 'cdc');

  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_CONFIG_PROVIDERS: 'vault' } }), 'config.providers', /vault/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_BOOTSTRAP_SERVERS: '${env:KAFKA_HOST}:9092' } }), 'bootstrap.servers',
    /config provider "env" is not enabled/);
});

test('an invalid worker setting that came from a config provider is named by key, its value not echoed', () => {
  expectConfigError(
    () => loadWorkerConfig({ env: { ...requiredEnv, PORT_SECRET: 'port-s3cret', CONNECT_CONFIG_PROVIDERS: 'env', CONNECT_REST_PORT: '${env:PORT_SECRET}' } }),
    'rest.port',
    /^(?![\s\S]*port-s3cret)Invalid worker configuration: Invalid value \[hidden\] for configuration rest\.port/,
  );
});

test('plugin.path is a trimmed list', () => {
  const cfg = loadWorkerConfig({ env: { ...requiredEnv, CONNECT_PLUGIN_PATH: '/opt/cdc-plugins , /usr/local/lib/cdc/my-plugin.js' } });
  assert.deepEqual(cfg.pluginPath, ['/opt/cdc-plugins', '/usr/local/lib/cdc/my-plugin.js']);
  assert.deepEqual(cfg.warnings, {});
});

test('an unreadable or malformed worker file is a ConfigError saying which file', () => {
  expectConfigError(() => loadWorkerConfig({ file: join(dir, 'missing.properties'), env: requiredEnv }), undefined, /missing\.properties: ENOENT/);
  const bad = file('bad.properties', 'a=\\uZZZZ');
  expectConfigError(() => loadWorkerConfig({ file: bad, env: requiredEnv }), undefined, /bad\.properties, line 1: Malformed/);
});

test('group membership keys: Connect\'s defaults, overrides, eager refused, heartbeat below session', () => {
  assert.deepEqual(loadWorkerConfig({ env: requiredEnv }).group, {
    scheduledRebalanceMaxDelayMs: 300000, sessionTimeoutMs: 10000, heartbeatIntervalMs: 3000, rebalanceTimeoutMs: 60000, protocol: 'sessioned',
  });
  const set = loadWorkerConfig({ env: requiredEnv, overrides: { 'scheduled.rebalance.max.delay.ms': '0', 'connect.protocol': 'compatible', 'session.timeout.ms': '6000', 'heartbeat.interval.ms': '1000' } }).group;
  assert.equal(set.scheduledRebalanceMaxDelayMs, 0);
  assert.equal(set.protocol, 'compatible');
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_CONNECT_PROTOCOL: 'eager' } }), 'connect.protocol', /eager rebalancing .* not implemented/);
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS: '-1' } }), 'scheduled.rebalance.max.delay.ms', /at least 0/);
  expectConfigError(() => loadWorkerConfig({ env: requiredEnv, overrides: { 'heartbeat.interval.ms': '10000' } }), 'heartbeat.interval.ms', /below session\.timeout\.ms/);
});

test('an Avro worker converter: its settings are checked at startup, handed on without the prefix, and its credentials masked in logs', () => {
  expectConfigError(() => loadWorkerConfig({ env: { ...requiredEnv, CONNECT_VALUE_CONVERTER: 'AvroConverter' } }),
    'value.converter.schema.registry.url', /Missing required configuration "value.converter.schema.registry.url"/);
  const cfg = loadWorkerConfig({ env: {
    ...requiredEnv, CONNECT_KEY_CONVERTER: 'io.confluent.connect.avro.AvroConverter', CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL: 'http://registry:8081',
    CONNECT_KEY_CONVERTER_BASIC_AUTH_CREDENTIALS_SOURCE: 'USER_INFO', CONNECT_KEY_CONVERTER_BASIC_AUTH_USER_INFO: 'reg:Reg1stry-pw',
  } });
  assert.equal(cfg.keyConverter, 'io.confluent.connect.avro.AvroConverter');
  assert.deepEqual(cfg.keyConverterProps, { 'schema.registry.url': 'http://registry:8081', 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'reg:Reg1stry-pw' });
  assert.equal(maskWorkerProps(cfg.props)['key.converter.basic.auth.user.info'], '[hidden]');
});

test('worker converters: StringConverter and friends by name or alias; a bad converter.encoding or another header converter names the key', () => {
  const cfg = loadWorkerConfig({ env: requiredEnv, overrides: { 'key.converter': 'StringConverter', 'key.converter.converter.encoding': 'latin1', 'value.converter': 'ByteArray' } });
  assert.equal(cfg.keyConverter, 'org.apache.kafka.connect.storage.StringConverter');
  assert.equal(cfg.valueConverter, 'org.apache.kafka.connect.converters.ByteArrayConverter');
  expectConfigError(() => loadWorkerConfig({ env: requiredEnv, overrides: { 'key.converter': 'StringConverter', 'key.converter.converter.encoding': 'nope' } }),
    'key.converter.converter.encoding', /Unsupported encoding/);
  expectConfigError(() => loadWorkerConfig({ env: requiredEnv, overrides: { 'header.converter': 'org.apache.kafka.connect.json.JsonConverter' } }),
    'header.converter', /Not supported by this service/);
});
