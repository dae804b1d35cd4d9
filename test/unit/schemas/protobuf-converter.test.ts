import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { firstMessageOf } from '../../harness/protobuf.js';
import {
  arrayOf, asBuffer, boolean, bytes, connectDateSchema, connectTimeSchema, connectTimestampSchema, createProtobufConverter,
  decimalSchema, envelopeSchema, field, int16, int32, int64, int8,
  makeEnvelope, mapOf, postgresSourceSchema, protobufSchemaText, rowSchema, SchemaDataError, string, struct,
  type ProtobufSchemaOptions, type SchemaRegistryClient,
} from '../../../schemas/index.js';

const topic = 'dbserver1.inventory.customers';
const plainOptions: ProtobufSchemaOptions = { optionalForNullables: false, wrapperForNullables: false, scrubInvalidNames: false };

function memoryRegistry() {
  const texts = new Map<number, { subject: string; text: string; type: string | undefined }>();
  const calls: string[] = [];
  const registry: SchemaRegistryClient = {
    register: async (subject, text, type) => {
      calls.push(`register ${subject} ${type}`);
      for (const [id, v] of texts) if (v.subject === subject && v.text === text) return id;
      texts.set(100 + texts.size, { subject, text, type });
      return 99 + texts.size;
    },
    lookup: async () => { throw new Error('not used'); },
    latest: async (subject) => {
      const hit = [...texts].filter(([, v]) => v.subject === subject).pop();
      if (!hit) throw new Error(`not found: ${subject}`);
      return { id: hit[0], schema: hit[1].text };
    },
    byId: async (id) => texts.get(id)!.text,
  };
  return { registry, calls, texts };
}

/** Decodes Confluent's Protobuf wire format with protobufjs from the registered text (the first message). */
function decode(text: string, bytes: Buffer, recordName: string): any {
  assert.equal(bytes[0], 0, 'magic byte');
  assert.equal(bytes[5], 0, 'message indexes [0] as one 0 byte');
  const type = protobuf.parse(text, { keepCase: true }).root.lookupType(recordName);
  return type.toObject(type.decode(bytes.subarray(6)), { longs: String, bytes: String });
}

describe('Protobuf mapping (ProtobufData)', () => {
  const s = struct([
    field('id', int32()), field('small', int16()), field('big', int64({ optional: true })), field('ok', boolean()),
    field('name', string({ optional: true })), field('raw', bytes({ optional: true })), field('tags', arrayOf(string())),
    field('attrs', mapOf(string(), int32())),
    field('inner', struct([field('x', int32())], { name: 'a.b.Inner', optional: true })),
    field('again', struct([field('x', int32())], { name: 'a.b.Inner', optional: true })),
  ], { name: 'a.b.Value' });

  it('proto3 in the namespace\'s package, fields numbered by position, structs as nested messages, maps as entries', () => {
    const { text, recordName } = protobufSchemaText(s, plainOptions);
    assert.equal(recordName, 'a.b.Value');
    assert.equal(text, [
      'syntax = "proto3";', 'package a.b;', '', 'import "confluent/meta.proto";', '', 'message Value {',
      '  int32 id = 1;', '  int32 small = 2 [(confluent.field_meta) = { params { key: "connect.type" value: "int16" } }];', '  int64 big = 3;', '  bool ok = 4;', '  string name = 5;', '  bytes raw = 6;',
      '  repeated string tags = 7;', '  repeated AttrsEntry attrs = 8;', '  Inner inner = 9;', '  Inner again = 10;',
      '  message AttrsEntry {', '    string key = 1;', '    int32 value = 2;', '  }',
      '  message Inner {', '    int32 x = 1;', '  }', '}',
    ].join('\n'));
    assert.equal(firstMessageOf(text).fullName, '.a.b.Value', 'protobufjs reads it, with the known types');
  });

  it('optional.for.nullables makes optional scalars proto3 optional; wrapper.for.nullables makes them wrappers', () => {
    const optional = protobufSchemaText(s, { ...plainOptions, optionalForNullables: true }).text;
    assert.match(optional, /  optional int64 big = 3;\n  bool ok = 4;\n  optional string name = 5;/);
    const wrapped = protobufSchemaText(s, { ...plainOptions, wrapperForNullables: true }).text;
    assert.match(wrapped, /import "google\/protobuf\/wrappers.proto";/);
    assert.match(wrapped, /  google.protobuf.Int64Value big = 3;\n  bool ok = 4;\n  google.protobuf.StringValue name = 5;/);
  });

  it('Connect\'s logical types as the known messages, int8/int16 and Decimal\'s precision and scale in confluent.field_meta', () => {
    const logical = struct([
      field('price', decimalSchema(2, 10, { optional: true })), field('day', connectDateSchema()), field('at', connectTimeSchema()),
      field('ts', connectTimestampSchema({ optional: true })), field('tiny', int8()), field('small', int16()),
    ], { name: 'l.V' });
    assert.equal(protobufSchemaText(logical, { ...plainOptions, optionalForNullables: true }).text, [
      'syntax = "proto3";', 'package l;', '',
      'import "confluent/meta.proto";', 'import "confluent/type/decimal.proto";', 'import "google/protobuf/timestamp.proto";',
      'import "google/type/date.proto";', 'import "google/type/timeofday.proto";', '', 'message V {',
      '  confluent.type.Decimal price = 1 [(confluent.field_meta) = { params { key: "precision" value: "10" } params { key: "scale" value: "2" } }];',
      '  google.type.Date day = 2;', '  google.type.TimeOfDay at = 3;', '  google.protobuf.Timestamp ts = 4;',
      '  int32 tiny = 5 [(confluent.field_meta) = { params { key: "connect.type" value: "int8" } }];',
      '  int32 small = 6 [(confluent.field_meta) = { params { key: "connect.type" value: "int16" } }];', '}',
    ].join('\n'));
  });

  it('refuses what it cannot write, naming it: a non-struct, an invalid name (unless scrubbed)', () => {
    const refused = (fn: () => unknown, re: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof SchemaDataError && e.code === 'PROTOBUF_UNSUPPORTED_SCHEMA' && re.test(e.message));
    refused(() => protobufSchemaText(string(), plainOptions), /structs only/);
    refused(() => protobufSchemaText(struct([field('my-col', int32())], { name: 'V' }), plainOptions), /'my-col'/);
    assert.match(protobufSchemaText(struct([field('my-col', int32())], { name: '1x.V' }), { ...plainOptions, scrubInvalidNames: true }).text,
      /package x1x;[\s\S]*int32 my_col = 1;/);
  });
});

describe('Protobuf converter (Confluent wire format)', () => {
  const row = rowSchema(topic, [field('id', int32()), field('email', string({ optional: true })), field('n', int64({ optional: true }))]);
  const envelope = envelopeSchema(topic, row, postgresSourceSchema());
  const source = {
    version: '3.6.1.Final', connector: 'postgresql', name: 'dbserver1', ts_ms: 1700000000000, snapshot: 'false', db: 'postgres',
    sequence: '["1","2"]', ts_us: 1700000000000000, ts_ns: 1700000000000000000n, schema: 'inventory', table: 'customers',
    txId: 779, lsn: 34389336, xmin: null,
  };
  const value = makeEnvelope(null, { id: 7, email: null, n: 2n ** 60n }, source, 'c', 1700000000123);

  it('registers with schemaType PROTOBUF, writes magic byte, id, message index 0 and the message protobufjs reads back', async () => {
    const { registry, calls, texts } = memoryRegistry();
    const conv = createProtobufConverter({ registry, isKey: false, data: { optionalForNullables: true } });
    await conv.prepare(topic, envelope);
    assert.deepEqual(calls, [`register ${topic}-value PROTOBUF`]);
    const bytes = asBuffer(conv.fromConnectData(topic, envelope, value)!);
    assert.equal(bytes.readUInt32BE(1), 100);
    const decoded = decode(texts.get(100)!.text, bytes, `${topic}.Envelope`);
    assert.deepEqual(decoded.after, { id: 7, n: '1152921504606846976' }, 'a null optional is absent; int64 keeps every digit');
    assert.equal(decoded.before, undefined);
    assert.equal(decoded.op, 'c');
    assert.equal(decoded.source.ts_ns, '1700000000000000000');
    assert.equal(decoded.source.sequence, '["1","2"]');
    assert.equal(decoded.source.xmin, undefined);
    assert.equal(conv.fromConnectData(topic, envelope, null), null, 'tombstone');
  });

  it('wrapper.for.nullables writes optional values inside wrapper messages', async () => {
    const { registry, texts } = memoryRegistry();
    const conv = createProtobufConverter({ registry, isKey: true, data: { wrapperForNullables: true } });
    const key = struct([field('id', int32()), field('label', string({ optional: true }))], { name: 'k.Key' });
    await conv.prepare(topic, key);
    const root = protobuf.parse(texts.get(100)!.text, { keepCase: true }).root;
    root.add(protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/wrappers.proto') as protobuf.INamespace).lookup('google') as protobuf.Namespace);
    const type = root.lookupType('k.Key');
    const bytes = asBuffer(conv.fromConnectData(topic, key, { id: 3, label: 'x' })!);
    assert.deepEqual(type.toObject(type.decode(bytes.subarray(6))), { id: 3, label: { value: 'x' } });
  });

  it('logical values: Decimal as unscaled bytes with the value\'s precision, Date, TimeOfDay and Timestamp by their fields', async () => {
    const { registry, texts } = memoryRegistry();
    const conv = createProtobufConverter({ registry, isKey: false });
    const v = struct([
      field('price', decimalSchema(2, 10)), field('neg', decimalSchema(3, 10)), field('zero', decimalSchema(2, 10)),
      field('day', connectDateSchema()), field('at', connectTimeSchema()), field('ts', connectTimestampSchema()), field('before', connectTimestampSchema()),
    ], { name: 'l.V' });
    await conv.prepare(topic, v);
    // An independent reader: Google's published date/timeofday files, Confluent's Decimal message as its docs give it.
    const type = firstMessageOf(texts.get(100)!.text);
    const bytes = asBuffer(conv.fromConnectData(topic, v, {
      price: '1234.50', neg: Buffer.from([0xfe, 0x0c]) /* -500 unscaled */, zero: '0', day: 19_723 /* 2024-01-01 */,
      at: 45_296_789 /* 12:34:56.789 */, ts: 1_700_000_000_123, before: -1,
    })!);
    const d = type.toObject(type.decode(bytes.subarray(6)), { longs: Number, bytes: Array, defaults: false }) as any;
    assert.deepEqual(d.price, { value: [0x01, 0xe2, 0x3a], precision: 6, scale: 2 }); // 123450
    assert.deepEqual(d.neg, { value: [0xfe, 0x0c], precision: 3, scale: 3 });
    assert.deepEqual(d.zero, { value: [0], precision: 1, scale: 2 });
    assert.deepEqual(d.day, { year: 2024, month: 1, day: 1 });
    assert.deepEqual(d.at, { hours: 12, minutes: 34, seconds: 56, nanos: 789_000_000 });
    assert.deepEqual(d.ts, { seconds: 1_700_000_000, nanos: 123_000_000 });
    assert.deepEqual(d.before, { seconds: -1, nanos: 999_000_000 });
  });

  it('use.latest.version writes with the registered message when it has every field', async () => {
    const { registry } = memoryRegistry();
    const small = struct([field('id', int32())], { name: 'p.V' });
    const wider = struct([field('id', int32()), field('extra', string({ optional: true }))], { name: 'p.V' });
    await createProtobufConverter({ registry, isKey: false }).prepare(topic, wider);
    const conv = createProtobufConverter({ registry, isKey: false, autoRegisterSchemas: false, useLatestVersion: true });
    await conv.prepare(topic, small);
    assert.equal(asBuffer(conv.fromConnectData(topic, small, { id: 1 })!).readUInt32BE(1), 100);
    await assert.rejects(createProtobufConverter({ registry, isKey: false, autoRegisterSchemas: false, useLatestVersion: true })
      .prepare(topic, struct([field('other', int32())], { name: 'p.V' }))!,
    (e: unknown) => e instanceof SchemaDataError && e.code === 'REGISTRY_SCHEMA_INCOMPATIBLE' && /no field 'other'/.test(e.message));
  });
});
