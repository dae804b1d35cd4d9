import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConfigKeys } from '../../../../src/connect-api/index.js';
import { extraPluginConfig, extraPlugins } from '../../../../src/herder/plugin-info.js';

test('GET /connector-plugins?connectorsOnly=false lists the registry converters with their config', () => {
  assert.deepEqual(extraPlugins('1.0').filter((p) => p.type === 'converter').map((p) => p.class),
    ['org.apache.kafka.connect.json.JsonConverter', 'io.confluent.connect.avro.AvroConverter', 'io.confluent.connect.json.JsonSchemaConverter',
      'io.confluent.connect.protobuf.ProtobufConverter', 'org.apache.kafka.connect.storage.StringConverter',
      'org.apache.kafka.connect.converters.ByteArrayConverter', 'org.apache.kafka.connect.converters.IntegerConverter', 'org.apache.kafka.connect.converters.LongConverter',
      'org.apache.kafka.connect.converters.ShortConverter', 'org.apache.kafka.connect.converters.DoubleConverter', 'org.apache.kafka.connect.converters.FloatConverter',
      'org.apache.kafka.connect.converters.BooleanConverter']);
  assert.equal(describeConfigKeys(extraPluginConfig('ProtobufConverter')!).find((k) => k.name === 'optional.for.nullables')!.default_value, 'false');
  const jsonSchema = new Map(describeConfigKeys(extraPluginConfig('JsonSchemaConverter')!).map((k) => [k.name, k]));
  assert.equal(jsonSchema.get('schema.registry.url')!.required, true);
  assert.equal(jsonSchema.get('object.additional.properties')!.default_value, 'true');
  assert.equal(jsonSchema.has('connect.meta.data'), false, 'AvroData\'s keys are the Avro converter\'s only');
  const encoding = describeConfigKeys(extraPluginConfig('StringConverter')!).find((k) => k.name === 'converter.encoding');
  assert.equal(encoding?.default_value, 'UTF-8');
  const keys = describeConfigKeys(extraPluginConfig('AvroConverter')!);
  assert.equal(keys[0]!.name, 'converter.type');
  const byName = new Map(keys.map((k) => [k.name, k]));
  assert.equal(byName.get('schema.registry.url')!.required, true);
  assert.equal(byName.get('basic.auth.user.info')!.type, 'PASSWORD');
  assert.equal(byName.get('auto.register.schemas')!.default_value, 'true');
  assert.equal(byName.get('value.subject.name.strategy')!.default_value, 'io.confluent.kafka.serializers.subject.TopicNameStrategy');
  assert.ok(extraPluginConfig('io.confluent.connect.avro.AvroConverter'));
});
