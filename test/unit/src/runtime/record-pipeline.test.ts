import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsonConverter, field, int32, string, struct, type ConnectSchema, type Converter } from '../../../../schemas/index.js';
import type { ChangeRecord, TransformationPlugin } from '../../../../src/connect-api/index.js';
import { createPluginRegistry } from '../../../../src/connectors/registry.js';
import { CdcError } from '../../../../src/errors/index.js';
import { createRecordPipeline, FAIL_ON_ERROR, RecordConversionError, type ErrorHandling, type RecordPipelineOptions } from '../../../../src/runtime/record-pipeline.js';
import { createTransformChain, TransformError } from '../../../../src/transforms/index.js';
import { silentLogger } from '../../fakes/runtime.js';

const valueSchema = struct([field('id', int32()), field('name', string({ optional: true }))], { name: 'v' });
const keySchema = struct([field('id', int32())], { name: 'k' });
const record = (id: number, name: string | null = 'x'): ChangeRecord => ({
  topic: 't', keySchema, key: { id }, valueSchema, value: { id, name }, partition: { server: 's' }, offset: { pos: id },
});

// Fails on a record whose name is "poison", drops "skip", upper-cases the rest.
const poisonable: TransformationPlugin = {
  kind: 'transformation', className: 'com.example.Poisonable', aliases: [], version: '1', configDef: { keys: [] },
  create: () => ({
    apply(r) {
      const v = r.value as { name: string | null };
      if (v.name === 'poison') throw new TransformError('cannot digest "poison"');
      if (v.name === 'skip') return null;
      return { ...r, topic: r.topic.toUpperCase() };
    },
  }),
};
const chain = createTransformChain({ transforms: 'p', 'transforms.p.type': 'com.example.Poisonable' }, createPluginRegistry([], [poisonable], []));
const json = createJsonConverter({ schemasEnable: false, isKey: false });

function pipeline(over: Partial<RecordPipelineOptions> = {}, errors: Partial<ErrorHandling> = {}) {
  return createRecordPipeline({
    connectorName: 'c', taskId: 0, transforms: chain, keyConverter: json, valueConverter: json, errors: { ...FAIL_ON_ERROR, ...errors },
    logger: silentLogger, signal: new AbortController().signal, backoff: { initialMs: 1, maxMs: 5 }, onBlocked: () => undefined, ...over,
  });
}

test('without transforms or schema registration the records convert synchronously, offsets attached', () => {
  const out = pipeline({ transforms: null }).process([record(1), record(2)]);
  assert.ok(Array.isArray(out));
  assert.deepEqual(out.map((q) => [q.topic, q.value!.toString(), q.sourceOffset]), [['t', '{"id":1,"name":"x"}', { pos: 1 }], ['t', '{"id":2,"name":"x"}', { pos: 2 }]]);
});

test('a dropped record leaves its offset on the queue, in order', () => {
  const out = pipeline().process([record(1), record(2, 'skip'), record(3)]) as ReturnType<ReturnType<typeof pipeline>['process']> & unknown[];
  assert.deepEqual((out as { topic: string; offsetOnly?: true; sourceOffset: unknown }[]).map((q) => [q.topic, q.offsetOnly ?? false, q.sourceOffset]),
    [['T', false, { pos: 1 }], ['', true, { pos: 2 }], ['T', false, { pos: 3 }]]);
});

test('errors.tolerance=none: a failing transform fails with the record\'s topic and source offset', () => {
  assert.throws(() => pipeline().process([record(1), record(2, 'poison')]),
    (e) => e instanceof TransformError && e.code === 'TRANSFORM_FAILED' && /Tolerance exceeded/.test(e.message) && /topic 't'/.test(e.message)
      && /"pos":2/.test(e.message) && /com.example.Poisonable/.test(e.message));
});

test('errors.tolerance=all: the record is skipped and counted, its offset kept; nothing else is lost', () => {
  const p = pipeline({}, { tolerance: 'all' });
  const out = p.process([record(1), record(2, 'poison'), record(3)]) as { topic: string; offsetOnly?: true; sourceOffset: unknown }[];
  assert.deepEqual(out.map((q) => [q.topic, q.offsetOnly ?? false, q.sourceOffset]), [['T', false, { pos: 1 }], ['', true, { pos: 2 }], ['T', false, { pos: 3 }]]);
  assert.equal(p.skipped(), 1);
});

test('with a dead letter queue the skipped record goes there: original key and value as JSON with schemas, __connect.errors.* headers', () => {
  const p = pipeline({}, { tolerance: 'all', deadLetterTopic: 'dlq' });
  const out = p.process([record(2, 'poison')]) as { topic: string; key: Buffer; value: { toString(): string }; headers: Record<string, string>; sourceOffset: unknown }[];
  assert.equal(out.length, 1);
  const d = out[0]!;
  assert.equal(d.topic, 'dlq');
  assert.deepEqual(d.sourceOffset, { pos: 2 });
  assert.deepEqual(JSON.parse(d.key.toString()).payload, { id: 2 });
  assert.deepEqual(JSON.parse(d.value.toString()).payload, { id: 2, name: 'poison' });
  assert.equal(d.headers['__connect.errors.topic'], 't');
  assert.equal(d.headers['__connect.errors.stage'], 'TRANSFORMATION');
  assert.equal(d.headers['__connect.errors.class.name'], 'com.example.Poisonable');
  assert.equal(d.headers['__connect.errors.connector.name'], 'c');
  assert.equal(d.headers['__connect.errors.task.id'], '0');
  assert.match(d.headers['__connect.errors.exception.message']!, /cannot digest/);
  assert.equal(d.headers['__connect.errors.source.offset'], '{"pos":2}');
  const bare = pipeline({}, { tolerance: 'all', deadLetterTopic: 'dlq', deadLetterHeaders: false }).process([record(2, 'poison')]) as { headers?: object }[];
  assert.equal(bare[0]!.headers, undefined);
});

test('a converter failure is a VALUE_CONVERTER error: none fails with the coordinates, all skips', () => {
  const failing: Converter = { fromConnectData: (_t, _s, v) => { if ((v as { id: number }).id === 2) throw new Error('bad value'); return Buffer.from('ok'); } };
  assert.throws(() => pipeline({ transforms: null, valueConverter: failing }).process([record(1), record(2)]),
    (e) => e instanceof RecordConversionError && /"pos":2/.test(e.message) && /bad value/.test(e.message));
  const p = pipeline({ transforms: null, valueConverter: failing }, { tolerance: 'all', deadLetterTopic: 'dlq' });
  const out = p.process([record(1), record(2)]) as { topic: string; headers?: Record<string, string> }[];
  assert.deepEqual(out.map((q) => q.topic), ['t', 'dlq']);
  assert.equal(out[1]!.headers!['__connect.errors.stage'], 'VALUE_CONVERTER');
});

/** A converter that "registers" each schema once, failing the first `outages` attempts as an unreachable registry would. */
function registeringConverter(outages: number, refuse = false): Converter & { registered: ConnectSchema[] } {
  const registered: ConnectSchema[] = [];
  const pending = new Map<ConnectSchema, Promise<void>>();
  let failures = 0;
  return {
    registered,
    prepare(_topic, schema) {
      if (!schema || registered.includes(schema)) return null;
      let p = pending.get(schema);
      if (!p) {
        p = new Promise<void>((resolve, reject) => setTimeout(() => {
          pending.delete(schema);
          if (refuse) reject(new CdcError('SCHEMA_REGISTRY_REJECTED', 'incompatible schema', { retriable: false }));
          else if (failures++ < outages) reject(new CdcError('SCHEMA_REGISTRY_UNAVAILABLE', 'registry down', { retriable: true }));
          else { registered.push(schema); resolve(); }
        }, 1));
        pending.set(schema, p);
      }
      return p;
    },
    fromConnectData(_t, schema, value) {
      if (schema && !registered.includes(schema)) throw new Error('not registered');
      return Buffer.from(JSON.stringify(value));
    },
  };
}

test('a schema seen the first time is registered before its record converts; the batch keeps its order', async () => {
  const value = registeringConverter(0);
  const out = pipeline({ valueConverter: value }).process([record(1), record(2, 'skip'), record(3)]);
  assert.ok(out instanceof Promise);
  const done = await out;
  assert.deepEqual(done.map((q) => q.sourceOffset), [{ pos: 1 }, { pos: 2 }, { pos: 3 }]);
  assert.deepEqual(value.registered, [valueSchema]);
  assert.ok(Array.isArray(pipeline({ valueConverter: value }).process([record(4)])), 'registered once, later batches are synchronous');
});

test('an unavailable registry is retried and shown as blocking until it answers; nothing is skipped', async () => {
  const blocked: (string | null)[] = [];
  const p = pipeline({ valueConverter: registeringConverter(3), onBlocked: (m) => blocked.push(m) }, { tolerance: 'all' });
  const out = await p.process([record(1)]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.offsetOnly, undefined);
  assert.equal(p.skipped(), 0);
  assert.equal(blocked.filter((m) => m !== null).length, 3);
  assert.match(blocked[0]!, /registry down/);
  assert.equal(blocked.at(-1), null);
});

test('a registry that refuses the schema fails the record like a converter error', async () => {
  await assert.rejects(Promise.resolve(pipeline({ valueConverter: registeringConverter(0, true) }).process([record(1)])),
    (e) => e instanceof RecordConversionError && /incompatible schema/.test(e.message));
});

test('the key\'s schema is registered before the value\'s is asked for, and a failing registration is never left unhandled', async () => {
  const order: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const key = registeringConverter(2);
    const value = registeringConverter(1);
    const traced = (name: string, c: ReturnType<typeof registeringConverter>): Converter => ({
      ...c,
      prepare(topic, schema) { const p = c.prepare!(topic, schema); if (p) order.push(`${name} asked`); return p; },
    });
    const out = await pipeline({ keyConverter: traced('key', key), valueConverter: traced('value', value) }, { tolerance: 'all' }).process([record(1)]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.offsetOnly, undefined);
    assert.deepEqual(key.registered, [keySchema]);
    assert.deepEqual(value.registered, [valueSchema]);
    assert.equal(order.indexOf('value asked') > order.lastIndexOf('key asked'), true, order.join(', '));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
