import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import {
  arrayOf, bytes, connectDateSchema, createAvroConverter, decimalSchema, encodeDecimal, envelopeSchema, field, float32, float64,
  int16, int32, int64, makeEnvelope, withOptional, mapOf, postgresSourceSchema, rowSchema, SchemaDataError, string, struct, toAvroSchema,
  type AvroConverterOptions, type ConnectSchema, type SchemaRegistryClient,
} from '../../../schemas/index.js';
import { avroSchemaText } from '../../../schemas/avro-schema.js';

const topic = 'dbserver1.inventory.customers';
const row = rowSchema(topic, [
  field('id', int32({ default: 0 })), field('email', string({ optional: true })),
  field('price', decimalSchema(2, 10, { optional: true })), field('big', int64({ optional: true })),
]);
const envelope = envelopeSchema(topic, row, postgresSourceSchema());
const source = {
  version: '3.1.3.Final', connector: 'postgresql', name: 'dbserver1', ts_ms: 1700000000000, snapshot: 'false', db: 'postgres',
  sequence: null, ts_us: 1700000000000000, ts_ns: 1700000000000000000n, schema: 'inventory', table: 'customers',
  txId: 779, lsn: 34389336, xmin: null,
};

// Reads longs as bigint when beyond 2^53, for decoding in the test with avsc (an independent decoder).
const bigLong = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => { const v = b.readBigInt64LE(0); return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v; },
  toBuffer: (v: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; },
  fromJSON: Number, toJSON: Number, isValid: (v: unknown) => typeof v === 'number' || typeof v === 'bigint', compare: () => 0,
});
function decode(avroSchema: unknown, bytes: Buffer): any {
  const type = avro.Type.forSchema(avroSchema as avro.Schema, { registry: { long: bigLong } as never, wrapUnions: 'auto' });
  return type.fromBuffer(bytes.subarray(5));
}

/** An in-memory registry: subjects → schema texts, global ids. */
function memoryRegistry(): SchemaRegistryClient & { calls: string[]; texts: Map<number, string>; put(subject: string, text: string): number } {
  const bySubject = new Map<string, { id: number; text: string }[]>();
  const texts = new Map<number, string>();
  const calls: string[] = [];
  const put = (subject: string, text: string) => {
    const list = bySubject.get(subject) ?? [];
    bySubject.set(subject, list);
    const same = list.find((v) => v.text === text);
    if (same) return same.id;
    const id = 100 + texts.size;
    texts.set(id, text);
    list.push({ id, text });
    return id;
  };
  const notFound = (subject: string) => new SchemaDataError('AVRO_SCHEMA_INCOMPATIBLE', `not found: ${subject}`, 'x');
  return {
    calls, texts, put,
    register: async (subject, text) => { calls.push(`register ${subject}`); return put(subject, text); },
    lookup: async (subject, text) => {
      calls.push(`lookup ${subject}`);
      const v = bySubject.get(subject)?.find((x) => x.text === text);
      if (!v) throw notFound(subject);
      return v.id;
    },
    latest: async (subject) => {
      calls.push(`latest ${subject}`);
      const list = bySubject.get(subject);
      if (!list) throw notFound(subject);
      return { id: list[list.length - 1]!.id, schema: list[list.length - 1]!.text };
    },
    byId: async (id) => { calls.push(`byId ${id}`); return texts.get(id)!; },
  };
}

async function convert(schema: ConnectSchema, value: unknown, options: Partial<AvroConverterOptions> = {}) {
  const registry = memoryRegistry();
  const conv = createAvroConverter({ registry, isKey: false, ...options });
  await conv.prepare('t', schema);
  const bytes = conv.fromConnectData('t', schema, value) as Buffer;
  return { bytes, registry, decoded: decode(toAvroSchema(schema), bytes) };
}

describe('Avro converter (Confluent wire format)', () => {
  const value = makeEnvelope(null, { id: 7, email: 'a@b.c', price: encodeDecimal('-1.23', 2), big: 2n ** 60n }, source, 'c', 1700000000123);

  it('refuses to convert before the schema is registered, then writes magic byte, id and Avro binary', async () => {
    const registry = memoryRegistry();
    const conv = createAvroConverter({ registry, isKey: false });
    assert.throws(() => conv.fromConnectData(topic, envelope, value), (e: unknown) => e instanceof SchemaDataError && e.code === 'AVRO_SCHEMA_NOT_REGISTERED');
    await conv.prepare(topic, envelope);
    assert.equal(conv.prepare(topic, envelope), null, 'registered once, then cached');
    assert.deepEqual(registry.calls, [`register ${topic}-value`]);
    assert.equal(registry.texts.get(100), avroSchemaText(toAvroSchema(envelope)), 'the registered text is the mapped schema');
    const bytes = conv.fromConnectData(topic, envelope, value) as Buffer;
    assert.ok(Buffer.isBuffer(bytes), 'Avro bytes are one Buffer');
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readUInt32BE(1), 100);
    const decoded = decode(toAvroSchema(envelope), bytes);
    assert.equal(decoded.after.id, 7);
    assert.equal(decoded.after.email, 'a@b.c');
    assert.equal(decoded.after.big, 2n ** 60n);
    assert.equal(decoded.after.price.toString('hex'), '85');
    assert.equal(decoded.source.ts_ns, 1700000000000000000n);
    assert.equal(decoded.source.snapshot, 'false');
    assert.equal(decoded.source.sequence, null);
    assert.equal(decoded.op, 'c');
    assert.equal(decoded.before, null);
    assert.equal(decoded.transaction, null);
    assert.equal(conv.fromConnectData(topic, envelope, null), null, 'tombstone');
  });
  it('concurrent prepares of one schema make one registration; a failed one is tried again next time', async () => {
    const registry = memoryRegistry();
    let fail = true;
    const flaky: SchemaRegistryClient = { ...registry, register: async (s, t) => { if (fail) { fail = false; throw new Error('down'); } return registry.register(s, t); } };
    const conv = createAvroConverter({ registry: flaky, isKey: false });
    await assert.rejects(conv.prepare(topic, envelope)!, /down/);
    const [a, b] = [conv.prepare(topic, envelope), conv.prepare(topic, envelope)];
    assert.equal(a, b);
    await a;
    assert.deepEqual(registry.calls, [`register ${topic}-value`]);
  });
  it('keys register under <topic>-key', async () => {
    const registry = memoryRegistry();
    const conv = createAvroConverter({ registry, isKey: true });
    await conv.prepare(topic, row);
    assert.deepEqual(registry.calls, [`register ${topic}-key`]);
  });
  it('RecordNameStrategy and TopicRecordNameStrategy name subjects after the record', async () => {
    const registry = memoryRegistry();
    await createAvroConverter({ registry, isKey: false, subjectNameStrategy: 'RecordNameStrategy' }).prepare(topic, envelope);
    await createAvroConverter({ registry, isKey: true, subjectNameStrategy: 'TopicRecordNameStrategy' }).prepare(topic, withOptional(row, false));
    assert.deepEqual(registry.calls, [`register ${topic}.Envelope`, `register ${topic}-${topic}.Value`]);
    await assert.rejects(createAvroConverter({ registry, isKey: false, subjectNameStrategy: 'RecordNameStrategy' }).prepare(topic, string())!,
      (e: unknown) => e instanceof SchemaDataError && e.code === 'AVRO_NOT_A_RECORD' && /value\.subject\.name\.strategy/.test(e.message));
  });
  it('auto.register.schemas=false looks the schema up and never registers', async () => {
    const registry = memoryRegistry();
    const conv = createAvroConverter({ registry, isKey: false, autoRegisterSchemas: false });
    await assert.rejects(conv.prepare(topic, envelope)!, /not found/);
    const id = registry.put(`${topic}-value`, avroSchemaText(toAvroSchema(envelope)));
    await conv.prepare(topic, envelope);
    assert.equal((conv.fromConnectData(topic, envelope, value) as Buffer).readUInt32BE(1), id);
    assert.ok(registry.calls.every((c) => c.startsWith('lookup ')));
  });
});

describe('Avro values', () => {
  it('numbers: ints, negative and large longs, floats, doubles; int16 as int', async () => {
    const s = struct([
      field('i', int32()), field('s', int16()), field('l', int64()), field('n', int64()), field('m', int64()), field('f', float32()), field('d', float64()),
    ], { name: 'T' });
    const { decoded } = await convert(s, { i: -2147483648, s: -7, l: -(2n ** 63n), n: 2 ** 52 + 1, m: -123456789012, f: 1.5, d: -0.1 });
    assert.deepEqual({ ...decoded }, { i: -2147483648, s: -7, l: -(2n ** 63n), n: 2 ** 52 + 1, m: -123456789012, f: 1.5, d: -0.1 });
  });
  it('maps (string and other keys, Map or object), arrays, decimals given as text, Connect Date given as a JS Date', async () => {
    const s = struct([
      field('tags', mapOf(string(), string({ optional: true }))), field('byId', mapOf(int32(), string())),
      field('list', arrayOf(int32())), field('empty', arrayOf(int32())), field('price', decimalSchema(2, 10)), field('day', connectDateSchema()),
    ], { name: 'T' });
    const { decoded } = await convert(s, {
      tags: { a: 'x', b: null }, byId: new Map([[1, 'one'], [2, 'two']]), list: [1, 2, 3], empty: [], price: '12.34', day: new Date('1970-01-03T12:00:00Z'),
    });
    assert.deepEqual(decoded.tags, { a: 'x', b: null });
    assert.deepEqual(decoded.byId.map((e: any) => [e.key, e.value]), [[1, 'one'], [2, 'two']]);
    assert.deepEqual(decoded.list, [1, 2, 3]);
    assert.deepEqual(decoded.empty, []);
    assert.equal(decoded.price.toString('hex'), '04d2');
    assert.equal(decoded.day, 2);
  });
  it('a null field with a default is written as the default (optional ones too, unless ignore.default.for.nullables)', async () => {
    const s = struct([field('a', int32({ default: 5 })), field('b', string({ optional: true, default: 'dflt' }))], { name: 'T' });
    assert.deepEqual({ ...(await convert(s, { a: null, b: null })).decoded }, { a: 5, b: 'dflt' });
    assert.deepEqual({ ...(await convert(s, { a: null, b: null }, { ignoreDefaultForNullables: true })).decoded }, { a: 5, b: null });
  });
  it('a null in a required field without default, or a value of the wrong type, is refused', async () => {
    const s = struct([field('a', int32()), field('b', bytes({ optional: true }))], { name: 'T' });
    await assert.rejects(convert(s, { a: null, b: null }), (e: unknown) => e instanceof SchemaDataError && e.code === 'DATA_REQUIRED_NULL');
    await assert.rejects(convert(s, { a: 1.5, b: null }), (e: unknown) => e instanceof SchemaDataError && e.code === 'DATA_INVALID_VALUE');
    await assert.rejects(convert(s, { a: 1, b: 'text' }), (e: unknown) => e instanceof SchemaDataError && e.code === 'DATA_INVALID_VALUE');
  });
  it('field names adjusted for Avro are read from the record under their original names', async () => {
    const s = struct([field('my-col', int32())], { name: 'T' });
    const { decoded } = await (async () => {
      const registry = memoryRegistry();
      const conv = createAvroConverter({ registry, isKey: false, data: { fieldNameAdjustment: 'avro' } });
      await conv.prepare('t', s);
      const bytes = conv.fromConnectData('t', s, { 'my-col': 9 }) as Buffer;
      return { decoded: decode(JSON.parse(registry.texts.get(100)!), bytes) };
    })();
    assert.equal(decoded.my_col, 9);
  });
  it('a record bigger than the buffer grows it', async () => {
    const s = struct([field('blob', bytes())], { name: 'T' });
    const { decoded } = await convert(s, { blob: Buffer.alloc(200_000, 7) });
    assert.equal(decoded.blob.length, 200_000);
  });
});

describe('writing with a registered schema (use.latest.version, use.schema.id)', () => {
  const mine = struct([field('id', int32()), field('name', string({ optional: true })), field('extra', string({ optional: true }))], { name: 'db.t.Value' });
  // The latest version orders fields differently, has a field the records lack (with a default), lacks `extra`, and widens id to long.
  const latest = JSON.stringify({
    type: 'record', name: 'Value', namespace: 'db.t', fields: [
      { name: 'name', type: ['null', 'string'], default: null },
      { name: 'added', type: 'string', default: 'n/a' },
      { name: 'id', type: 'long' },
    ],
  });

  it('use.latest.version: fields by name, defaults for the missing, promotions; only with auto.register.schemas=false', async () => {
    const registry = memoryRegistry();
    const id = registry.put('t-value', latest);
    const conv = createAvroConverter({ registry, isKey: false, autoRegisterSchemas: false, useLatestVersion: true });
    await conv.prepare('t', mine);
    const bytes = conv.fromConnectData('t', mine, { id: 3, name: 'x', extra: 'dropped' }) as Buffer;
    assert.equal(bytes.readUInt32BE(1), id);
    assert.deepEqual({ ...decode(JSON.parse(latest), bytes) }, { name: 'x', added: 'n/a', id: 3 });
    assert.deepEqual(registry.calls, ['latest t-value']);

    const auto = memoryRegistry();
    auto.put('t-value', latest);
    await createAvroConverter({ registry: auto, isKey: false, useLatestVersion: true }).prepare('t', mine);
    assert.deepEqual(auto.calls, ['register t-value'], 'auto.register.schemas=true wins, as in Confluent');
  });
  it('a latest version that cannot hold the records is refused before any record is written', async () => {
    const registry = memoryRegistry();
    registry.put('t-value', JSON.stringify({ type: 'record', name: 'Value', namespace: 'db.t', fields: [{ name: 'id', type: 'int' }, { name: 'required', type: 'string' }] }));
    const conv = createAvroConverter({ registry, isKey: false, autoRegisterSchemas: false, useLatestVersion: true });
    await assert.rejects(conv.prepare('t', mine)!, (e: unknown) => e instanceof SchemaDataError && e.code === 'AVRO_SCHEMA_INCOMPATIBLE' && /required/.test(e.message));
    registry.put('t-value', JSON.stringify({ type: 'record', name: 'Value', namespace: 'db.t', fields: [{ name: 'id', type: 'int' }, { name: 'name', type: 'string' }] }));
    await assert.rejects(createAvroConverter({ registry, isKey: false, autoRegisterSchemas: false, useLatestVersion: true }).prepare('t', mine)!,
      (e: unknown) => e instanceof SchemaDataError && /optional/.test(e.message), 'an optional column cannot go into a non-null field');
  });
  it('use.schema.id writes every record with that schema', async () => {
    const registry = memoryRegistry();
    const id = registry.put('other', latest);
    const conv = createAvroConverter({ registry, isKey: false, autoRegisterSchemas: false, useSchemaId: id });
    await conv.prepare('t', mine);
    const bytes = conv.fromConnectData('t', mine, { id: 4, name: null, extra: null }) as Buffer;
    assert.equal(bytes.readUInt32BE(1), id);
    assert.deepEqual({ ...decode(JSON.parse(latest), bytes) }, { name: null, added: 'n/a', id: 4 });
    assert.deepEqual(registry.calls, [`byId ${id}`]);
  });
});
