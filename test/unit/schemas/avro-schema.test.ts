import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import {
  arrayOf, connectDateSchema, connectTimeSchema, connectTimestampSchema, decimalSchema, envelopeSchema, field, int16, int32,
  int64, mapOf, microTimestampSchema, postgresSourceSchema, rowSchema, SchemaDataError, string, struct, toAvroSchema,
} from '../../../schemas/index.js';
import { avroSchemaText, DEFAULT_AVRO_DATA_OPTIONS, type AvroDataOptions } from '../../../schemas/avro-schema.js';

const topic = 'dbserver1.inventory.customers';
const row = rowSchema(topic, [
  field('id', int32({ default: 0 })), field('email', string({ optional: true })),
  field('price', decimalSchema(2, 10, { optional: true })), field('big', int64({ optional: true })),
]);
const envelope = envelopeSchema(topic, row, postgresSourceSchema());
const opts = (o: Partial<AvroDataOptions>): AvroDataOptions => ({ ...DEFAULT_AVRO_DATA_OPTIONS, ...o });

type AvroField = { name: string; type: unknown; default?: unknown; doc?: string };
type AvroRecord = { name: string; namespace?: string; fields: AvroField[]; doc?: string; [k: string]: unknown };
const byName = (record: AvroRecord, name: string) => record.fields.find((f) => f.name === name)!;

describe('Connect → Avro schema (Confluent AvroData, connect.meta.data on)', () => {
  const avroSchema = toAvroSchema(envelope) as AvroRecord;

  it('records named after the Connect name; the second use of the row record is a reference', () => {
    assert.equal(`${avroSchema.namespace}.${avroSchema.name}`, 'dbserver1.inventory.customers.Envelope');
    assert.equal(avroSchema['connect.name'], 'dbserver1.inventory.customers.Envelope');
    assert.equal(avroSchema['connect.version'], 2);
    const beforeField = byName(avroSchema, 'before');
    assert.equal((beforeField.type as unknown[])[0], 'null');
    assert.equal(((beforeField.type as unknown[])[1] as { name: string }).name, 'Value');
    assert.deepEqual(byName(avroSchema, 'after').type, ['null', 'dbserver1.inventory.customers.Value']);
    assert.equal(byName(avroSchema, 'after').default, null);
  });
  it('source snapshot enum and optional fields match Debezium\'s registered Avro schema', () => {
    const source = byName(avroSchema, 'source').type as AvroRecord;
    assert.equal(JSON.stringify(byName(source, 'snapshot')),
      '{"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"}');
    assert.equal(JSON.stringify(byName(source, 'sequence')), '{"name":"sequence","type":["null","string"],"default":null}');
    assert.equal(JSON.stringify(byName(source, 'ts_ms')), '{"name":"ts_ms","type":"long"}');
  });
  it('a field with a default: the default in the field, connect.default on a required type, the default first in an optional union', () => {
    const value = (byName(avroSchema, 'before').type as unknown[])[1] as AvroRecord;
    assert.deepEqual(byName(value, 'id'), { name: 'id', type: { type: 'int', 'connect.default': 0 }, default: 0 });
  });
  it('decimal, Connect Date/Time/Timestamp logical types; Debezium time types stay longs with connect.name; int16 connect.type', () => {
    assert.deepEqual(toAvroSchema(decimalSchema(2, 10)), {
      type: 'bytes', scale: 2, precision: 10, 'connect.version': 1,
      'connect.parameters': { scale: '2', 'connect.decimal.precision': '10' },
      'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal',
    });
    assert.equal((toAvroSchema(decimalSchema(3)) as { precision: number }).precision, 64, 'no connect.decimal.precision: AvroData\'s 64');
    assert.deepEqual(toAvroSchema(connectDateSchema()), { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Date', logicalType: 'date' });
    assert.equal((toAvroSchema(connectTimeSchema()) as { logicalType: string }).logicalType, 'time-millis');
    assert.equal((toAvroSchema(connectTimestampSchema()) as { logicalType: string }).logicalType, 'timestamp-millis');
    assert.deepEqual(toAvroSchema(microTimestampSchema()), { type: 'long', 'connect.version': 1, 'connect.name': 'io.debezium.time.MicroTimestamp' });
    assert.deepEqual(toAvroSchema(int16()), { type: 'int', 'connect.type': 'int16' });
  });
  it('maps: string keys as Avro maps, other keys as arrays of io.confluent.connect.avro.MapEntry (one definition for equal maps)', () => {
    assert.deepEqual(toAvroSchema(mapOf(string(), int32())), { type: 'map', values: 'int' });
    const two = toAvroSchema(struct([field('a', mapOf(int32(), string())), field('b', mapOf(int32(), string()))], { name: 'T' })) as AvroRecord;
    const a = byName(two, 'a').type as { type: string; items: AvroRecord };
    assert.equal(a.type, 'array');
    assert.equal(`${a.items.namespace}.${a.items.name}`, 'io.confluent.connect.avro.MapEntry');
    assert.deepEqual(byName(two, 'b').type, { type: 'array', items: 'io.confluent.connect.avro.MapEntry' });
    assert.deepEqual(toAvroSchema(mapOf(string({ optional: true }), int32()), opts({ allowOptionalMapKeys: true })), { type: 'map', values: 'int' });
  });
  it('unnamed structs are ConnectDefault, ConnectDefault2, ... in io.confluent.connect.avro', () => {
    const s = toAvroSchema(struct([field('x', struct([field('a', int32())])), field('y', struct([field('b', int32())]))])) as AvroRecord;
    assert.equal(`${s.namespace}.${s.name}`, 'io.confluent.connect.avro.ConnectDefault');
    assert.equal((byName(s, 'x').type as AvroRecord).name, 'ConnectDefault2');
    assert.equal((byName(s, 'y').type as AvroRecord).name, 'ConnectDefault3');
  });
  it('two different structs with one name are refused', () => {
    const s = struct([field('x', struct([field('a', int32())], { name: 'N' })), field('y', struct([field('b', int32())], { name: 'N' }))], { name: 'T' });
    assert.throws(() => toAvroSchema(s), (e: unknown) => e instanceof SchemaDataError && e.code === 'AVRO_INVALID_NAME' && /'N'/.test(e.message));
  });
  it('connect.meta.data=false writes no connect.* properties; logical types stay', () => {
    const s = toAvroSchema(envelope, opts({ connectMetaData: false }));
    assert.ok(!avroSchemaText(s).includes('connect.'));
    assert.equal((toAvroSchema(decimalSchema(2, 10), opts({ connectMetaData: false })) as { logicalType: string }).logicalType, 'decimal');
    assert.equal(toAvroSchema(int16(), opts({ connectMetaData: false })), 'int');
  });
  it('docs: struct docs are connect.doc; record and field docs come from AvroData\'s parameters (or, discard.type.doc.default, from the schemas)', () => {
    const s = struct([field('a', int32({ doc: 'field doc' }))], {
      name: 'T', doc: 'struct doc', parameters: { 'io.confluent.connect.avro.record.doc': 'record doc', 'io.confluent.connect.avro.field.doc.a': 'a doc' },
    });
    const out = toAvroSchema(s) as AvroRecord;
    assert.equal(out.doc, 'record doc');
    assert.equal(out['connect.doc'], 'struct doc');
    assert.equal(out.fields[0]!.doc, 'a doc');
    assert.equal((toAvroSchema(s, opts({ discardTypeDocDefault: true })) as AvroRecord).fields[0]!.doc, 'field doc');
  });
  it('an int64 default beyond 2^53 is written exactly', () => {
    const s = struct([field('n', int64({ default: 2n ** 60n }))], { name: 'T' });
    assert.match(avroSchemaText(toAvroSchema(s)), /"default":1152921504606846976\}/);
  });
  it('arrays carry their items\' schema', () => {
    assert.deepEqual(toAvroSchema(arrayOf(string({ optional: true }))), { type: 'array', items: ['null', 'string'] });
  });
  it('is a valid Avro schema', () => {
    assert.doesNotThrow(() => avro.Type.forSchema(avroSchema as avro.Schema));
  });
});

describe('names that are not valid in Avro', () => {
  const odd = struct([field('my-col', int32()), field('1st', string({ optional: true }))], { name: 'my-server.inventory.order lines.Value' });

  it('fail the conversion by default, naming the name and the fixes', () => {
    assert.throws(() => toAvroSchema(odd), (e: unknown) => e instanceof SchemaDataError && e.code === 'AVRO_INVALID_NAME'
      && /'order lines'|'Value'|'my-col'/.test(e.message) && /schema\.name\.adjustment\.mode=avro/.test(e.fix));
  });
  it('are adjusted as Debezium does with schema.name.adjustment.mode / field.name.adjustment.mode=avro; connect.name shows the adjusted name', () => {
    const out = toAvroSchema(odd, opts({ schemaNameAdjustment: 'avro', fieldNameAdjustment: 'avro' })) as AvroRecord;
    assert.equal(`${out.namespace}.${out.name}`, 'my_server.inventory.order_lines.Value');
    assert.deepEqual(out.fields.map((f) => f.name), ['my_col', '_1st']);
    assert.equal(out['connect.name'], 'my_server.inventory.order_lines.Value');
  });
  it('avro_unicode keeps names apart that avro would merge', () => {
    const clash = struct([field('a-b', int32()), field('a.b', int32())], { name: 'T' });
    assert.throws(() => toAvroSchema(clash, opts({ fieldNameAdjustment: 'avro' })), /both become 'a_b'/);
    const out = toAvroSchema(clash, opts({ fieldNameAdjustment: 'avro_unicode' })) as AvroRecord;
    assert.deepEqual(out.fields.map((f) => f.name), ['a_u002db', 'a_u002eb']);
  });
  it('are scrubbed with scrub.invalid.names (namespace parts too); connect.name keeps the original', () => {
    const out = toAvroSchema(odd, opts({ scrubInvalidNames: true })) as AvroRecord;
    assert.equal(`${out.namespace}.${out.name}`, 'my_server.inventory.order_lines.Value');
    assert.deepEqual(out.fields.map((f) => f.name), ['my_col', 'x1st']);
    assert.equal(out['connect.name'], 'my-server.inventory.order lines.Value');
  });
  it('a namespace with a hyphen is kept as Avro (Java) keeps it', () => {
    const out = toAvroSchema(struct([field('a', int32())], { name: 'my-server.db.t.Value' })) as AvroRecord;
    assert.equal(out.namespace, 'my-server.db.t');
  });
});
