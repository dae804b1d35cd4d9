import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import AjvModule from 'ajv';

// ajv is CommonJS: its class is the default export's default.
const Ajv = AjvModule.default;
import {
  arrayOf, asBuffer, boolean, bytes, connectDateSchema, createJsonSchemaConverter, decimalSchema, encodeDecimal, envelopeSchema, field, float32,
  int32, int64, jsonSchemaText, makeEnvelope, mapOf, postgresSourceSchema, rowSchema, SchemaDataError, string, struct, withOptional,
  type ConnectSchema, type SchemaRegistryClient,
} from '../../../schemas/index.js';

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
const options = { additionalProperties: true, writeDefault: (s: ConnectSchema) => JSON.stringify(s.default) };

/** An in-memory registry recording each call with its schemaType. */
function memoryRegistry() {
  const texts = new Map<number, { subject: string; text: string }>();
  const calls: string[] = [];
  const put = (subject: string, text: string) => {
    for (const [id, v] of texts) if (v.subject === subject && v.text === text) return id;
    texts.set(100 + texts.size, { subject, text });
    return 99 + texts.size;
  };
  const latestOf = (subject: string) => [...texts].filter(([, v]) => v.subject === subject).pop();
  const registry: SchemaRegistryClient = {
    register: async (subject, text, type) => { calls.push(`register ${subject} ${type}`); return put(subject, text); },
    lookup: async (subject, text, type) => {
      calls.push(`lookup ${subject} ${type}`);
      const hit = [...texts].find(([, v]) => v.subject === subject && v.text === text);
      if (!hit) throw new Error(`not found: ${subject}`);
      return hit[0];
    },
    latest: async (subject) => {
      calls.push(`latest ${subject}`);
      const hit = latestOf(subject);
      if (!hit) throw new Error(`not found: ${subject}`);
      return { id: hit[0], schema: hit[1].text };
    },
    byId: async (id) => { calls.push(`byId ${id}`); return texts.get(id)!.text; },
  };
  return { registry, calls, texts, put };
}

describe('JSON Schema mapping (JsonSchemaData)', () => {
  it('maps types, optional fields, indexes, names, parameters and defaults as JsonSchemaData does', () => {
    const s = struct([
      field('i', int32()), field('l', int64({ optional: true })), field('f', float32()), field('b', boolean({ default: true })),
      field('s', string({ optional: true, doc: 'a note' })), field('raw', bytes()), field('d', decimalSchema(2, 10)),
      field('day', connectDateSchema({ optional: true })), field('tags', arrayOf(string())),
      field('m', mapOf(string(), int32())), field('mk', mapOf(int32(), string({ optional: true }))),
      field('nested', struct([field('x', int32())], { name: 'n.Inner', optional: true })),
    ], { name: 'a.Value' });
    assert.deepEqual(JSON.parse(jsonSchemaText(s, options)), {
      type: 'object', title: 'a.Value', properties: {
        i: { type: 'integer', 'connect.type': 'int32', 'connect.index': 0 },
        l: { oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int64' }], 'connect.index': 1 },
        f: { type: 'number', 'connect.type': 'float32', 'connect.index': 2 },
        b: { type: 'boolean', default: true, 'connect.index': 3 },
        s: { oneOf: [{ type: 'null' }, { type: 'string', description: 'a note' }], 'connect.index': 4 },
        raw: { type: 'string', 'connect.type': 'bytes', 'connect.index': 5 },
        d: { type: 'number', title: 'org.apache.kafka.connect.data.Decimal', 'connect.type': 'bytes', 'connect.version': 1,
          'connect.parameters': { scale: '2', 'connect.decimal.precision': '10' }, 'connect.index': 6 },
        day: { oneOf: [{ type: 'null' }, { type: 'integer', title: 'org.apache.kafka.connect.data.Date', 'connect.type': 'int32', 'connect.version': 1 }], 'connect.index': 7 },
        tags: { type: 'array', items: { type: 'string' }, 'connect.index': 8 },
        m: { type: 'object', additionalProperties: { type: 'integer', 'connect.type': 'int32' }, 'connect.type': 'map', 'connect.index': 9 },
        mk: { type: 'array', items: { type: 'object', properties: {
          key: { type: 'integer', 'connect.type': 'int32', 'connect.index': 0 },
          value: { oneOf: [{ type: 'null' }, { type: 'string' }], 'connect.index': 1 },
        } }, 'connect.type': 'map', 'connect.index': 10 },
        nested: { oneOf: [{ type: 'null' }, { type: 'object', title: 'n.Inner', properties: { x: { type: 'integer', 'connect.type': 'int32', 'connect.index': 0 } } }], 'connect.index': 11 },
      },
    });
  });

  it('object.additional.properties=false closes every struct', () => {
    const s = struct([field('inner', struct([field('x', int32())]))], { name: 'a.V' });
    const parsed = JSON.parse(jsonSchemaText(s, { ...options, additionalProperties: false }));
    assert.equal(parsed.additionalProperties, false);
    assert.equal(parsed.properties.inner.additionalProperties, false);
  });

  it('Debezium\'s envelope maps to a schema ajv compiles, and the converter\'s payload validates against it', async () => {
    const { registry, texts } = memoryRegistry();
    const conv = createJsonSchemaConverter({ registry, isKey: false, decimalFormat: 'numeric' });
    await conv.prepare(topic, envelope);
    const validate = new Ajv({ strict: false }).compile<any>(JSON.parse(texts.get(100)!.text));
    const value = makeEnvelope(null, { id: 7, email: null, price: encodeDecimal('-1.23', 2), big: 2n ** 60n }, source, 'c', 1700000000123);
    const payload: any = JSON.parse(conv.fromConnectData(topic, envelope, value)!.toString().slice(5));
    assert.ok(validate(payload), JSON.stringify(validate.errors));
    assert.equal(payload.after.price, -1.23);
    assert.equal(validate({ ...payload, op: 7 }), false, 'the schema does constrain: a number is not a string');
  });
});

describe('JSON Schema converter (Confluent wire format)', () => {
  const value = makeEnvelope(null, { id: 7, email: 'a@b.c', price: encodeDecimal('-1.23', 2), big: 2n ** 60n }, source, 'c', 1700000000123);

  it('registers with schemaType JSON, then writes magic byte, id and the JSON text', async () => {
    const { registry, calls, texts } = memoryRegistry();
    const conv = createJsonSchemaConverter({ registry, isKey: false });
    assert.throws(() => conv.fromConnectData(topic, envelope, value), (e: unknown) => e instanceof SchemaDataError && e.code === 'REGISTRY_SCHEMA_NOT_REGISTERED');
    await conv.prepare(topic, envelope);
    assert.equal(conv.prepare(topic, envelope), null, 'registered once, then cached');
    assert.deepEqual(calls, [`register ${topic}-value JSON`]);
    assert.equal(texts.get(100)!.text, jsonSchemaText(envelope, options));
    const bytes = asBuffer(conv.fromConnectData(topic, envelope, value)!);
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readUInt32BE(1), 100);
    const text = bytes.subarray(5).toString('utf8');
    assert.match(text, /"big":1152921504606846976/, 'int64 beyond 2^53 keeps every digit');
    const payload = JSON.parse(text);
    assert.equal(payload.after.price, Buffer.from([0x85]).toString('base64'), 'decimal.format=BASE64 by default');
    assert.equal(payload.after.email, 'a@b.c');
    assert.equal(payload.op, 'c');
    assert.equal(conv.fromConnectData(topic, envelope, null), null, 'tombstone');
  });

  it('keys are Buffers under <topic>-key; maps with non-string keys are {key, value} objects', async () => {
    const { registry, calls } = memoryRegistry();
    const key = struct([field('m', mapOf(int32(), string()))], { name: 'k.Key' });
    const conv = createJsonSchemaConverter({ registry, isKey: true });
    await conv.prepare(topic, key);
    const bytes = conv.fromConnectData(topic, key, { m: new Map([[1, 'a']]) });
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(bytes.subarray(5).toString(), '{"m":[{"key":1,"value":"a"}]}');
    assert.deepEqual(calls, [`register ${topic}-key JSON`]);
  });

  it('RecordNameStrategy names the subject after the struct; a non-struct is refused', async () => {
    const { registry, calls } = memoryRegistry();
    await createJsonSchemaConverter({ registry, isKey: false, subjectNameStrategy: 'RecordNameStrategy' }).prepare(topic, envelope);
    await createJsonSchemaConverter({ registry, isKey: true, subjectNameStrategy: 'TopicRecordNameStrategy' }).prepare(topic, withOptional(row, false));
    assert.deepEqual(calls, [`register ${topic}.Envelope JSON`, `register ${topic}-${topic}.Value JSON`]);
    await assert.rejects(createJsonSchemaConverter({ registry, isKey: false, subjectNameStrategy: 'RecordNameStrategy' }).prepare(topic, string())!,
      (e: unknown) => e instanceof SchemaDataError && e.code === 'REGISTRY_NOT_A_STRUCT' && /value\.subject\.name\.strategy/.test(e.message));
  });

  it('auto.register.schemas=false looks up; use.latest.version writes with the latest id only when it has every field', async () => {
    const { registry, calls, put } = memoryRegistry();
    const lookup = createJsonSchemaConverter({ registry, isKey: false, autoRegisterSchemas: false });
    await assert.rejects(lookup.prepare(topic, envelope)!, /not found/);
    const small = struct([field('id', int32())], { name: 'x' });
    const id = put(`${topic}-value`, jsonSchemaText(small, options));
    await lookup.prepare(topic, small);
    assert.equal(asBuffer(lookup.fromConnectData(topic, small, { id: 1 })!).readUInt32BE(1), id);
    assert.ok(calls.every((c) => c.startsWith('lookup ')));

    const latest = createJsonSchemaConverter({ registry, isKey: false, autoRegisterSchemas: false, useLatestVersion: true });
    await assert.rejects(latest.prepare(topic, envelope)!,
      (e: unknown) => e instanceof SchemaDataError && e.code === 'REGISTRY_SCHEMA_INCOMPATIBLE' && /has no property 'before'/.test(e.message));
    const bigger = put(`${topic}-value`, jsonSchemaText(struct([field('id', int32()), field('extra', string({ optional: true }))], { name: 'x' }), options));
    await latest.prepare(topic, small);
    assert.equal(asBuffer(latest.fromConnectData(topic, small, { id: 1 })!).readUInt32BE(1), bigger);

    const fixed = createJsonSchemaConverter({ registry, isKey: false, autoRegisterSchemas: false, useSchemaId: id });
    await fixed.prepare(topic, small);
    assert.equal(asBuffer(fixed.fromConnectData(topic, small, { id: 2 })!).readUInt32BE(1), id);
  });
});
