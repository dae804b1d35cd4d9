import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import avro from 'avsc';
import {
  createAvroConverter, createSchemaRegistryClient, decimalSchema, encodeDecimal, envelopeSchema, field, int16, int32,
  int64, makeEnvelope, mapOf, postgresSourceSchema, rowSchema, SchemaDataError, string, toAvroSchema,
  type SchemaRegistryClient,
} from '../../../schemas/index.js';

const topic = 'dbserver1.inventory.customers';
const row = rowSchema(topic, [
  field('id', int32({ default: 0 })), field('email', string({ optional: true })),
  field('price', decimalSchema(2, 10, { optional: true })), field('big', int64({ optional: true })),
]);
const envelope = envelopeSchema(topic, row, postgresSourceSchema());

// Reads longs beyond 2^53 as bigint, for decoding in the test.
const bigLong = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(0),
  toBuffer: (v: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; },
  fromJSON: BigInt, toJSON: Number, isValid: (v: unknown) => typeof v === 'bigint', compare: () => 0,
});

describe('Connect → Avro schema (Confluent AvroData)', () => {
  type AvroField = { name: string; type: unknown; default?: unknown };
  const avroSchema = toAvroSchema(envelope) as { fields: AvroField[] };
  const byName = (record: { fields: AvroField[] }, name: string) => record.fields.find((f) => f.name === name)!;

  it('records named after the Connect name; the second use of the row record is a reference', () => {
    const { name, namespace } = avroSchema as unknown as { name: string; namespace: string };
    assert.equal(`${namespace}.${name}`, 'dbserver1.inventory.customers.Envelope');
    const beforeField = byName(avroSchema, 'before');
    assert.deepEqual((beforeField.type as unknown[])[0], 'null');
    assert.equal(((beforeField.type as unknown[])[1] as { name: string }).name, 'Value');
    assert.deepEqual(byName(avroSchema, 'after').type, ['null', 'dbserver1.inventory.customers.Value']);
    assert.equal(byName(avroSchema, 'after').default, null);
  });
  it('source snapshot enum and optional fields match Debezium\'s registered Avro schema', () => {
    const source = byName(avroSchema, 'source').type as { fields: AvroField[] };
    assert.equal(JSON.stringify(byName(source, 'snapshot')),
      '{"name":"snapshot","type":[{"type":"string","connect.version":1,"connect.parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},"connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],"default":"false"}');
    assert.equal(JSON.stringify(byName(source, 'sequence')), '{"name":"sequence","type":["null","string"],"default":null}');
    assert.equal(JSON.stringify(byName(source, 'ts_ms')), '{"name":"ts_ms","type":"long"}');
  });
  it('decimal logical type, int16 connect.type, maps with non-string keys as MapEntry arrays', () => {
    assert.deepEqual(toAvroSchema(decimalSchema(2, 10)), {
      type: 'bytes', scale: 2, precision: 10, 'connect.version': 1,
      'connect.parameters': { scale: '2', 'connect.decimal.precision': '10' },
      'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal',
    });
    assert.deepEqual(toAvroSchema(int16()), { type: 'int', 'connect.type': 'int16' });
    const m = toAvroSchema(mapOf(int32(), string())) as { type: string; items: { name: string; namespace: string } };
    assert.equal(m.type, 'array');
    assert.equal(`${m.items.namespace}.${m.items.name}`, 'io.confluent.connect.avro.MapEntry');
  });
  it('is a valid Avro schema', () => {
    assert.doesNotThrow(() => avro.Type.forSchema(avroSchema as avro.Schema));
  });
});

describe('Avro converter (Confluent wire format)', () => {
  function fakeRegistry(): SchemaRegistryClient & { calls: string[] } {
    const calls: string[] = [];
    return { calls, register: async (subject) => { calls.push(subject); return 42 + calls.length; } };
  }
  const value = makeEnvelope(null, { id: 7, email: 'a@b.c', price: encodeDecimal('-1.23', 2), big: 2n ** 60n }, {
    version: '3.1.3.Final', connector: 'postgresql', name: 'dbserver1', ts_ms: 1700000000000, snapshot: 'false', db: 'postgres',
    sequence: null, ts_us: 1700000000000000, ts_ns: 1700000000000000000n, schema: 'inventory', table: 'customers',
    txId: 779, lsn: 34389336, xmin: null,
  }, 'c', 1700000000123);

  it('refuses to convert before the schema is registered, then writes magic byte, id and Avro binary', async () => {
    const registry = fakeRegistry();
    const conv = createAvroConverter({ registry, isKey: false });
    assert.throws(() => conv.fromConnectData(topic, envelope, value), (e: unknown) => e instanceof SchemaDataError && e.code === 'AVRO_SCHEMA_NOT_REGISTERED');
    await conv.prepare(topic, envelope);
    assert.equal(conv.prepare(topic, envelope), null, 'registered once, then cached');
    assert.deepEqual(registry.calls, [`${topic}-value`]);
    const bytes = conv.fromConnectData(topic, envelope, value) as Buffer;
    assert.ok(Buffer.isBuffer(bytes), 'Avro bytes are one Buffer');
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readUInt32BE(1), 43);
    const type = avro.Type.forSchema(toAvroSchema(envelope) as avro.Schema, { registry: { long: bigLong } as never, wrapUnions: 'auto' });
    const decoded = type.fromBuffer(bytes.subarray(5)) as Record<string, any>;
    assert.equal(decoded.after.id, 7);
    assert.equal(decoded.after.big, 2n ** 60n);
    assert.equal(decoded.after.price.toString('hex'), '85');
    assert.equal(decoded.source.ts_ns, 1700000000000000000n);
    assert.equal(decoded.op, 'c');
    assert.equal(decoded.before, null);
    assert.equal(conv.fromConnectData(topic, envelope, null), null, 'tombstone');
  });
  it('keys register under <topic>-key', async () => {
    const registry = fakeRegistry();
    const conv = createAvroConverter({ registry, isKey: true });
    await conv.prepare(topic, row);
    assert.deepEqual(registry.calls, [`${topic}-key`]);
  });
});

describe('schema registry client', () => {
  let url = '';
  let next: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => {};
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => next(req, res, body));
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://user:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  const client = () => createSchemaRegistryClient({ url, fetch: (u, init) => fetch(String(u).replace('user:s3cret@', ''), init) });

  it('POSTs the schema to /subjects/<subject>/versions and returns the id', async () => {
    let seen = { method: '', path: '', type: '', schema: '' };
    next = (req, res, body) => {
      seen = { method: req.method!, path: req.url!, type: req.headers['content-type']!, schema: JSON.parse(body).schema };
      res.end(JSON.stringify({ id: 17 }));
    };
    assert.equal(await client().register('t-value', '"string"'), 17);
    assert.deepEqual(seen, { method: 'POST', path: '/subjects/t-value/versions', type: 'application/vnd.schemaregistry.v1+json', schema: '"string"' });
  });
  it('incompatible schema (409) is not retriable; 503 is; unreachable is, without the password in the message', async () => {
    next = (_q, res) => { res.statusCode = 409; res.end('{"error_code":409}'); };
    await assert.rejects(client().register('t-value', '"int"'), (e: unknown) => e instanceof SchemaDataError && e.code === 'SCHEMA_REGISTRY_REJECTED' && !e.retriable);
    next = (_q, res) => { res.statusCode = 503; res.end(''); };
    await assert.rejects(client().register('t-value', '"int"'), (e: unknown) => e instanceof SchemaDataError && e.retriable);
    const down = createSchemaRegistryClient({ url: 'http://user:s3cret@127.0.0.1:1', fetch: () => Promise.reject(new Error('ECONNREFUSED')) });
    await assert.rejects(down.register('t-value', '"int"'),
      (e: unknown) => e instanceof SchemaDataError && e.code === 'SCHEMA_REGISTRY_UNAVAILABLE' && e.retriable && !e.message.includes('s3cret'));
  });
});
