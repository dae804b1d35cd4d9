import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  asBuffer, decimalSchema, encodeDecimal, envelopeSchema, field, int32, int64, makeEnvelope, mapOf, postgresSourceSchema, rowSchema,
  keySchema, string, type AvroConverter,
} from '../../../../schemas/index.js';
import { AVRO_CONVERTER, JSON_CONVERTER } from '../../../../src/connect-api/index.js';
import { converterSettings, createConverter } from '../../../../src/converters/index.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { startFakeRegistry, type FakeRegistry } from '../../fakes/schema-registry.js';

const topic = 'dbserver1.inventory.customers';
const row = rowSchema(topic, [
  field('id', int32()), field('email', string({ optional: true })), field('price', decimalSchema(2, 10, { optional: true })),
  field('attrs', mapOf(string(), string({ optional: true }), { optional: true })), field('n', int64({ optional: true })),
]);
const key = keySchema(topic, [field('id', int32())]);
const envelope = envelopeSchema(topic, row, postgresSourceSchema());
const source = {
  version: '3.1.3.Final', connector: 'postgresql', name: 'dbserver1', ts_ms: 1700000000000, snapshot: 'false', db: 'postgres',
  sequence: '["1","2"]', ts_us: 1700000000000000, ts_ns: 1700000000000000000n, schema: 'inventory', table: 'customers',
  txId: 779, lsn: 34389336, xmin: null,
};
// Longs beyond 2^53 as bigint (avsc refuses to lose precision); the decoder's only setting. (The registry object
// is shared by every schema the decoder parses, so record names must differ: the key is `.Key`.)
const bigLong = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => { const v = b.readBigInt64LE(0); return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v; },
  toBuffer: (v: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; },
  fromJSON: Number, toJSON: Number, isValid: (v: unknown) => typeof v === 'number' || typeof v === 'bigint', compare: () => 0,
});
const value = makeEnvelope(null, { id: 7, email: 'a@b.c', price: encodeDecimal('-1.23', 2), attrs: { k: 'v' }, n: -5 }, source, 'c', 1700000000123);

describe('converter factory', () => {
  let registry: FakeRegistry;
  before(async () => { registry = await startFakeRegistry(); });
  after(() => registry.close());

  it('makes the JSON converter by class or alias, with its settings', () => {
    const conv = createConverter({ className: 'Json', props: { 'schemas.enable': 'false' }, isKey: false });
    assert.equal(asBuffer(conv.fromConnectData(topic, key, { id: 1 }))!.toString(), '{"id":1}');
    const numeric = createConverter({ className: JSON_CONVERTER, props: { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' }, isKey: false });
    assert.equal(asBuffer(numeric.fromConnectData(topic, decimalSchema(2), encodeDecimal('1.50', 2)))!.toString(), '1.50');
  });
  it('refuses settings it cannot honour with a ConfigError naming the prefixed key', () => {
    const refuses = (className: string, props: Record<string, string>, keyName: string, message: RegExp) =>
      assert.throws(() => createConverter({ className, props, isKey: false }),
        (e: unknown) => e instanceof ConfigError && e.key === keyName && message.test(e.message));
    refuses('AvroConverter', {}, 'value.converter.schema.registry.url', /"value\.converter\.schema\.registry\.url"/);
    refuses('avro', { 'schema.registry.url': 'http://r', 'basic.auth.credentials.source': 'SASL_INHERIT' }, 'value.converter.basic.auth.credentials.source', /SASL_INHERIT is not supported/);
    refuses('avro', { 'schema.registry.url': 'http://r', 'basic.auth.credentials.source': 'USER_INFO' }, 'value.converter.basic.auth.user.info', /user:password/);
    refuses('avro', { 'schema.registry.url': 'http://r', 'latest.compatibility.strict': 'false' }, 'value.converter.latest.compatibility.strict', /Only true/);
    refuses('avro', { 'schema.registry.url': 'http://r', 'schema.registry.ssl.truststore.location': '/x' }, 'value.converter.schema.registry.url', /TLS settings/);
    refuses('avro', { 'schema.registry.url': 'r:8081' }, 'value.converter.schema.registry.url', /not an http/);
    refuses('JsonSchemaConverter', {}, 'value.converter.schema.registry.url', /"value\.converter\.schema\.registry\.url"/);
    refuses('jsonschema', { 'schema.registry.url': 'http://r', 'decimal.format': 'TEXT' }, 'value.converter.decimal.format', /decimal\.format/);
    refuses('io.confluent.connect.protobuf.ProtobufConverter', {}, 'value.converter.schema.registry.url', /"value\.converter\.schema\.registry\.url"/);
    refuses('org.example.OtherConverter', {}, 'value.converter', /not supported/);
  });
  it('an Avro converter from settings registers under the strategy\'s subject with basic auth; an independent Confluent client decodes what it wrote', async () => {
    registry.requireAuth = 'Basic ' + Buffer.from('reg:pw').toString('base64');
    const settings = {
      'schema.registry.url': `http://127.0.0.1:1,${registry.url}`, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'reg:pw',
      'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy',
    };
    const valueConv = createConverter({ className: AVRO_CONVERTER, props: settings, isKey: false }) as AvroConverter;
    const keyConv = createConverter({ className: 'AvroConverter', props: settings, isKey: true }) as AvroConverter;
    await valueConv.prepare(topic, envelope);
    await keyConv.prepare(topic, key);
    assert.deepEqual([...registry.subjects.keys()].sort(), [`${topic}-${topic}.Envelope`, `${topic}-key`]);

    const decoder = new SchemaRegistry({ host: registry.url, auth: { username: 'reg', password: 'pw' } },
      { [SchemaType.AVRO]: { registry: { long: bigLong } as never } });
    const decodedKey = await decoder.decode(asBuffer(keyConv.fromConnectData(topic, key, { id: 7 }))!);
    assert.deepEqual({ ...decodedKey }, { id: 7 });
    const decoded = await decoder.decode(asBuffer(valueConv.fromConnectData(topic, envelope, value))!);
    // The same record through the JSON converter (schemas off) is the reference.
    const json = JSON.parse(asBuffer(createConverter({ className: 'json', props: { 'schemas.enable': 'false' }, isKey: false })
      .fromConnectData(topic, envelope, { ...value, source: { ...source, ts_ns: 1 } }))!.toString());
    assert.equal(decoded.op, json.op);
    assert.equal(decoded.ts_ms, json.ts_ms);
    assert.equal(decoded.before, null);
    assert.deepEqual({ ...decoded.after, price: Buffer.from(decoded.after.price).toString('base64') }, json.after);
    assert.equal(decoded.source.sequence, json.source.sequence);
    assert.equal(decoded.source.lsn, json.source.lsn);
    assert.equal(decoded.source.ts_ns, 1700000000000000000n);
    registry.requireAuth = undefined;
  });
  it('a JSON Schema converter from settings registers with schemaType JSON; an independent Confluent client decodes and validates what it wrote', async () => {
    const settings = { 'schema.registry.url': registry.url, 'decimal.format': 'NUMERIC', 'object.additional.properties': 'false' };
    const valueConv = createConverter({ className: 'JsonSchemaConverter', props: settings, isKey: false }) as AvroConverter;
    const keyConv = createConverter({ className: 'io.confluent.connect.json.JsonSchemaConverter', props: settings, isKey: true }) as AvroConverter;
    const topicJ = `${topic}.js`;
    await valueConv.prepare(topicJ, envelope);
    await keyConv.prepare(topicJ, key);
    const registered = registry.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/subjects/${encodeURIComponent(topicJ)}-`));
    assert.deepEqual(registered.map((r) => JSON.parse(r.body).schemaType), ['JSON', 'JSON']);
    assert.match(registry.subjects.get(`${topicJ}-value`)![0]!.schema, /"additionalProperties":false/);
    // strict: false lets ajv pass over the connect.* keywords, as Confluent's validator does.
    const decoder = new SchemaRegistry({ host: registry.url }, { [SchemaType.JSON]: { strict: false } });
    assert.deepEqual(await decoder.decode(asBuffer(keyConv.fromConnectData(topicJ, key, { id: 7 }))!), { id: 7 });
    const decoded = await decoder.decode(asBuffer(valueConv.fromConnectData(topicJ, envelope, value))!);
    const json = JSON.parse(asBuffer(createConverter({ className: 'json', props: { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' }, isKey: false })
      .fromConnectData(topicJ, envelope, value))!.toString());
    assert.deepEqual(decoded, json);
    assert.equal(decoded.after.price, -1.23);
  });
  it('a Protobuf converter from settings registers with schemaType PROTOBUF; an independent Confluent client decodes what it wrote', async () => {
    const settings = { 'schema.registry.url': registry.url, 'optional.for.nullables': 'true' };
    const topicP = `${topic}.pb`;
    const s = keySchema(topicP, [field('id', int32()), field('email', string({ optional: true })), field('n', int64({ optional: true }))]);
    const conv = createConverter({ className: 'ProtobufConverter', props: settings, isKey: false }) as AvroConverter;
    await conv.prepare(topicP, s);
    const registered = registry.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/subjects/${encodeURIComponent(topicP)}-value`));
    assert.deepEqual(registered.map((r) => JSON.parse(r.body).schemaType), ['PROTOBUF']);
    const decoder = new SchemaRegistry({ host: registry.url });
    const decoded = await decoder.decode(asBuffer(conv.fromConnectData(topicP, s, { id: 7, email: null, n: -5 }))!);
    assert.deepEqual(decoded.$type.toObject(decoded, { longs: Number }), { id: 7, n: -5 });
  });
  it('applies the connector\'s Debezium name adjustment to the Avro schema', async () => {
    const s = keySchema('adjusted', [field('my-col', int32())]);
    const conv = createConverter({ className: 'avro', props: { 'schema.registry.url': registry.url }, isKey: true, nameAdjustment: { schema: 'none', field: 'avro' } }) as AvroConverter;
    await conv.prepare('adjusted', s);
    assert.match(registry.subjects.get('adjusted-key')![0]!.schema, /"name":"my_col"/);
  });
});

describe('which converter a connector gets', () => {
  const worker = { className: JSON_CONVERTER, props: { 'schemas.enable': 'true', 'decimal.format': 'NUMERIC' } };
  it('its own class with only its own settings, as Connect', () => {
    assert.deepEqual(converterSettings('value.converter', { 'value.converter': 'Avro', 'value.converter.schema.registry.url': 'http://r', 'key.converter.x': 'y' }, worker),
      { className: AVRO_CONVERTER, props: { 'schema.registry.url': 'http://r' } });
  });
  it('else the worker\'s, with the connector\'s schemas.enable over it', () => {
    assert.deepEqual(converterSettings('key.converter', { 'key.converter.schemas.enable': 'false' }, worker),
      { className: JSON_CONVERTER, props: { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' } });
  });
});
