import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigDef } from '../../../../src/connect-api/config-def.js';
import {
  commonConnectorConfigDef,
  connectorConfigDef,
  AVRO_CONVERTER,
  JSON_CONVERTER,
  maskSecrets,
  parseConnectorConfig,
  validateConfigInfos,
} from '../../../../src/connect-api/index.js';

const pluginDef: ConfigDef = {
  keys: [
    { name: 'database.hostname', type: 'STRING', documentation: 'host', group: 'Connection' },
    { name: 'database.password', type: 'PASSWORD', documentation: 'pw', group: 'Connection' },
  ],
  passthroughPrefixes: ['driver.'],
};
const base = {
  name: 'inventory', 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'database.hostname': 'db', 'database.password': 'Sup3r-s3cret',
};

test('a minimal Debezium-style config is valid with Connect\'s defaults', () => {
  const { settings, errors, warnings } = parseConnectorConfig(pluginDef, base);
  assert.deepEqual(errors, {});
  assert.deepEqual(warnings, {});
  assert.equal(settings['tasks.max'], 1);
  assert.equal(settings['key.converter'], null);
  assert.equal(settings['errors.tolerance'], 'none');
  assert.deepEqual(settings['transforms'], []);
  assert.equal(settings['exactly.once.support'], 'requested');
});

test('connector.class and name are required', () => {
  const { errors } = parseConnectorConfig(pluginDef, { 'database.hostname': 'db', 'database.password': 'pw' });
  assert.deepEqual(errors['connector.class'], ['Missing required configuration "connector.class" which has no default value.']);
  assert.deepEqual(errors['name'], ['Missing required configuration "name" which has no default value.']);
});

test('tasks.max must be at least 1', () => {
  assert.deepEqual(parseConnectorConfig(pluginDef, { ...base, 'tasks.max': '0' }).errors['tasks.max'], [
    'Invalid value 0 for configuration tasks.max: Value must be at least 1',
  ]);
});

test('JsonConverter and the registry converters are accepted (also by short alias); other converters are refused as not supported', () => {
  const ok = parseConnectorConfig(pluginDef, { ...base, 'value.converter': 'JsonConverter', 'key.converter': JSON_CONVERTER, 'value.converter.schemas.enable': 'false' });
  assert.deepEqual(ok.errors, {});
  assert.equal(ok.settings['value.converter'], JSON_CONVERTER);
  assert.equal(ok.settings['value.converter.schemas.enable'], false);
  const avro = parseConnectorConfig(pluginDef, { ...base, 'value.converter': 'Avro', 'value.converter.schema.registry.url': 'http://registry:8081' });
  assert.deepEqual(avro.errors, {});
  assert.equal(avro.settings['value.converter'], AVRO_CONVERTER);
  assert.equal(avro.settings['value.converter.auto.register.schemas'], true);
  const protobuf = parseConnectorConfig(pluginDef, { ...base, 'value.converter': 'Protobuf', 'value.converter.schema.registry.url': 'http://registry:8081' });
  assert.deepEqual(protobuf.errors, {});
  assert.equal(protobuf.settings['value.converter.optional.for.nullables'], false);
  const jsonSchema = parseConnectorConfig(pluginDef, { ...base, 'key.converter': 'JsonSchemaConverter' });
  assert.match(jsonSchema.errors['key.converter.schema.registry.url']![0]!, /Missing required configuration "key\.converter\.schema\.registry\.url"/);
  const other = parseConnectorConfig(pluginDef, { ...base, 'value.converter': 'io.confluent.connect.other.OtherConverter' });
  assert.match(other.errors['value.converter']![0]!, /^Invalid value io\.confluent\.connect\.other\.OtherConverter for configuration value\.converter: Not supported by this service/);
  const header = parseConnectorConfig(pluginDef, { ...base, 'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter' });
  assert.deepEqual(header.errors, {});
});

test('an Avro converter\'s settings are validated under their prefix; its credentials are secrets', () => {
  const missing = parseConnectorConfig(pluginDef, { ...base, 'key.converter': 'io.confluent.connect.avro.AvroConverter' });
  assert.deepEqual(missing.errors, { 'key.converter.schema.registry.url': ['Missing required configuration "key.converter.schema.registry.url" which has no default value.'] });
  const bad = parseConnectorConfig(pluginDef, {
    ...base, 'value.converter': 'AvroConverter', 'value.converter.schema.registry.url': 'http://r', 'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.value.subject.name.strategy': 'RecordNameStrategy', 'value.converter.use.latest.version': 'true',
  });
  assert.deepEqual(Object.keys(bad.errors).sort(), ['value.converter.basic.auth.user.info', 'value.converter.value.subject.name.strategy']);
  const props = {
    ...base, 'value.converter': 'AvroConverter', 'value.converter.schema.registry.url': 'http://r', 'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': 'reg:Reg1stry-pw', 'value.converter.request.header.X-Tenant': 'blue',
  };
  const infos = validateConfigInfos('io.debezium.connector.mysql.MySqlConnector', connectorConfigDef(pluginDef, props), props);
  assert.equal(infos.error_count, 0);
  assert.ok(!JSON.stringify(infos).includes('Reg1stry-pw'));
  assert.deepEqual(maskSecrets(connectorConfigDef(pluginDef, props), props)['value.converter.basic.auth.user.info'], '[hidden]');
  assert.ok(infos.groups.includes('value.converter: Schema Registry'));
});

test('converter, producer and signal consumer settings pass through; a typo in a plugin key is accepted and warned about', () => {
  const { errors, warnings } = parseConnectorConfig(pluginDef, {
    ...base, 'value.converter.decimal.format': 'NUMERIC', 'producer.override.compression.type': 'lz4', 'signal.consumer.security.protocol': 'SSL',
    'driver.connectTimeout': '5', 'database.hostnme': 'x',
  });
  assert.deepEqual(errors, {});
  assert.deepEqual(Object.keys(warnings).sort(), ['database.hostnme']);
  assert.match(warnings['database.hostnme']!, /did you mean "database.hostname"/);
});

test('errors.tolerance takes none and all (case-insensitive); a dead letter queue needs all', () => {
  const { errors, settings } = parseConnectorConfig(pluginDef, { ...base, 'errors.tolerance': 'ALL', 'exactly.once.support': 'required' });
  assert.deepEqual(errors, {});
  assert.equal(settings['errors.tolerance'], 'all');
  assert.equal(parseConnectorConfig(pluginDef, { ...base, 'errors.tolerance': 'NONE' }).settings['errors.tolerance'], 'none');
  const dlq = parseConnectorConfig(pluginDef, { ...base, 'errors.deadletterqueue.topic.name': 'dlq' });
  assert.match(dlq.errors['errors.deadletterqueue.topic.name']![0]!, /set errors.tolerance=all/);
});

test('keys that have no effect here are accepted with warnings', () => {
  const { errors, warnings } = parseConnectorConfig(pluginDef, { ...base, 'offsets.storage.topic': 'my-offsets', 'transaction.boundary': 'poll' });
  assert.deepEqual(errors, {});
  assert.deepEqual(Object.keys(warnings).sort(), ['offsets.storage.topic']);
});

test('topic creation settings: default group needs replication factor and partitions; groups need include', () => {
  const missing = parseConnectorConfig(pluginDef, { ...base, 'topic.creation.default.cleanup.policy': 'compact' });
  assert.deepEqual(Object.keys(missing.errors).sort(), ['topic.creation.default.partitions', 'topic.creation.default.replication.factor']);

  const good = parseConnectorConfig(pluginDef, {
    ...base, 'topic.creation.default.replication.factor': '-1', 'topic.creation.default.partitions': '3',
    'topic.creation.default.cleanup.policy': 'compact', 'topic.creation.groups': 'big',
    'topic.creation.big.include': 'inventory\\.orders.*', 'topic.creation.big.partitions': '12',
  });
  assert.deepEqual(good.errors, {});
  assert.equal(good.settings['topic.creation.big.partitions'], 12);
  assert.equal(good.settings['topic.creation.big.replication.factor'], null);
  assert.deepEqual(good.settings['topic.creation.big.include'], ['inventory\\.orders.*']);

  const bad = parseConnectorConfig(pluginDef, {
    ...base, 'topic.creation.default.replication.factor': '0', 'topic.creation.default.partitions': '1', 'topic.creation.groups': 'big,big',
  });
  assert.deepEqual(Object.keys(bad.errors).sort(), ['topic.creation.big.include', 'topic.creation.default.replication.factor', 'topic.creation.groups']);
});

test('the plugin def can override a common key; validate lists common groups before the plugin\'s', () => {
  const def = connectorConfigDef({ keys: [{ name: 'tasks.max', type: 'INT', default: 1, documentation: 'only one', validate: (v) => (v === 1 ? undefined : 'Value must be 1') }] }, {});
  assert.equal(def.keys.find((k) => k.name === 'tasks.max')!.documentation, 'only one');
  const infos = validateConfigInfos('io.debezium.connector.mysql.MySqlConnector', connectorConfigDef(pluginDef, base), base);
  assert.equal(infos.error_count, 0);
  assert.deepEqual(infos.groups, ['Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic', 'Connection']);
  assert.ok(!JSON.stringify(infos).includes('Sup3r-s3cret'));
});

test('every common key has documentation, and optional ones a default', () => {
  for (const key of commonConnectorConfigDef.keys) {
    assert.ok(key.documentation.length > 10, key.name);
    if (key.name !== 'name' && key.name !== 'connector.class') assert.notEqual(key.default, undefined, key.name);
  }
});
