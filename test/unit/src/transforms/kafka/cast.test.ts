import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boolean, bytes, connectDateSchema, connectTimestampSchema, decimalSchema, encodeDecimal, field, float32, float64, int16, int32, int64, string, struct,
} from '../../../../../schemas/index.js';
import { parseCastSpec } from '../../../../../src/transforms/kafka/cast.js';
import { TransformError } from '../../../../../src/transforms/types.js';
import { change, configErrors, configure, run, schemaless, tombstone, transformation } from './fixtures.js';

const valueOf = (schema: ReturnType<typeof struct>, value: Record<string, unknown>) => ({ topic: 't', keySchema: null, key: null, valueSchema: schema, value });

describe('Cast', () => {
  it('casts the key id to string; the new field keeps optionality, loses nothing else', () => {
    const t = configure('Cast$Key', { spec: 'id:string' });
    const out = run(t, change('c', 42));
    assert.deepEqual(out.key, { id: '42' });
    assert.deepEqual(out.keySchema!.fields, [{ type: 'string', optional: false, field: 'id' }]);
    assert.equal(out.keySchema!.name, 'dbserver1.inventory.customers.Key');
    assert.equal(run(t, change('u', 43)).keySchema, out.keySchema);
  });

  it('narrows and widens numbers as Java does', () => {
    const s = struct([field('a', int64()), field('b', float64()), field('c', int32()), field('d', float64()), field('e', int16())]);
    const t = configure('Cast$Value', { spec: 'a:int8,b:int32,c:int16,d:boolean,e:float32' });
    assert.deepEqual(run(t, valueOf(s, { a: 300, b: -3.99, c: 70000, d: 0.5, e: 7 })).value, { a: 44, b: -3, c: 4464, d: false, e: 7 });
    assert.deepEqual(run(t, valueOf(s, { a: -129, b: 1e12, c: -1, d: 2, e: -1 })).value, { a: 127, b: 2147483647, c: -1, d: true, e: -1 });
    const big = configure('Cast$Value', { spec: 'a:int64,b:int64' });
    assert.deepEqual(run(big, valueOf(s, { a: 2n ** 62n, b: 1e300, c: 0, d: 0, e: 0 })).value, { a: 2n ** 62n, b: 2n ** 63n - 1n, c: 0, d: 0, e: 0 });
  });

  it('writes strings as Java prints values', () => {
    const s = struct([
      field('f', float32()), field('d', float64()), field('i', float64()), field('b', boolean()), field('raw', bytes()),
      field('dec', decimalSchema(8)), field('day', connectDateSchema()), field('ts', connectTimestampSchema()),
    ]);
    const t = configure('Cast$Value', { spec: 'f:string,d:string,i:string,b:string,raw:string,dec:string,day:string,ts:string' });
    const out = run(t, valueOf(s, {
      f: Math.fround(0.1), d: 1e21, i: 3, b: true, raw: Buffer.from([1, 2, 3]), dec: encodeDecimal('0.00000012', 8), day: 19_753, ts: 1_706_700_000_123,
    }));
    assert.deepEqual(out.value, {
      f: '0.1', d: '1.0E21', i: '3.0', b: 'true', raw: 'AQID', dec: '1.2E-7', day: '2024-01-31', ts: '2024-01-31T11:20:00.123Z',
    });
    assert.ok(out.valueSchema!.fields!.every((f) => f.type === 'string' && f.name === undefined), 'logical names are dropped');
  });

  it('parses strings strictly, failing the record on a bad number', () => {
    const s = struct([field('a', string()), field('b', string())]);
    const t = configure('Cast$Value', { spec: 'a:int32,b:boolean' });
    assert.deepEqual(run(t, valueOf(s, { a: '-17', b: 'TRUE' })).value, { a: -17, b: true });
    assert.deepEqual(run(t, valueOf(s, { a: '0', b: 'yes' })).value, { a: 0, b: false });
    assert.throws(() => t.apply(valueOf(s, { a: '1.5', b: '' })),
      (e) => e instanceof TransformError && e.message === 'Cast$Value: Value (1.5) was out of range for requested data type');
    assert.throws(() => t.apply(valueOf(s, { a: '3000000000', b: '' })), /out of range/);
  });

  it('casts Decimal and Connect dates to numbers', () => {
    const s = struct([field('dec', decimalSchema(2)), field('day', connectDateSchema()), field('ts', connectTimestampSchema())]);
    const t = configure('Cast$Value', { spec: 'dec:int32,day:int64,ts:float64' });
    assert.deepEqual(run(t, valueOf(s, { dec: encodeDecimal('-12.99', 2), day: 19_753, ts: 5 })).value, { dec: -12, day: 19_753, ts: 5 });
    const f = configure('Cast$Value', { spec: 'dec:float64' });
    assert.equal((run(f, valueOf(s, { dec: encodeDecimal('12.25', 2), day: 0, ts: 0 })).value as { dec: number }).dec, 12.25);
  });

  it('casts defaults in the schema, and reads a null with default per replace.null.with.default', () => {
    const s = struct([field('n', int32({ optional: true, default: 5 }))]);
    const out = run(configure('Cast$Value', { spec: 'n:string' }), valueOf(s, { n: null }));
    assert.deepEqual(out.valueSchema!.fields, [{ type: 'string', optional: true, default: '5', field: 'n' }]);
    assert.deepEqual(out.value, { n: '5' });
    assert.deepEqual(run(configure('Cast$Value', { spec: 'n:string', 'replace.null.with.default': 'false' }), valueOf(s, { n: null })).value, { n: null });
  });

  it('casts a whole value, keeping the schema name as Connect does', () => {
    const t = configure('Cast$Value', { spec: 'int32' });
    const record = { topic: 't', keySchema: null, key: null, valueSchema: int64({ optional: true }), value: 12 };
    const out = run(t, record);
    assert.equal(out.value, 12);
    assert.deepEqual(out.valueSchema, { type: 'int32', optional: true });
    assert.equal(run(configure('Cast$Value', { spec: 'string' }), schemaless(3.5)).value, '3.5');
  });

  it('fails on a struct field, passes a tombstone, casts schemaless map fields', () => {
    assert.throws(() => configure('Cast$Value', { spec: 'after:string' }).apply(change('c', 1)), /does not support casting from STRUCT/);
    const tomb = tombstone(1);
    assert.equal(configure('Cast$Value', { spec: 'a:string' }).apply(tomb), tomb);
    assert.deepEqual(run(configure('Cast$Value', { spec: 'a:string,b:int8' }), schemaless({ a: 1, b: '2', c: 'x' })).value, { a: '1', b: 2, c: 'x' });
  });

  it('refuses bad specs', () => {
    const plugin = transformation('Cast$Value');
    assert.match(configErrors(plugin, { spec: 'a:bytes' })['spec']![0]!, /does not support casting to BYTES/);
    assert.match(configErrors(plugin, { spec: 'a:integer' })['spec']![0]!, /Invalid type found in casting spec: integer/);
    assert.match(configErrors(plugin, { spec: 'int32,a:string' })['spec']![0]!, /may only specify a single cast/);
    assert.match(configErrors(plugin, { spec: '' })['spec']![0]!, /at least one field/);
    assert.match(configErrors(plugin, { spec: 'a:b:c' })['spec']![0]!, /Invalid cast mapping/);
    assert.deepEqual([...(parseCastSpec(['a: int8', ' b :STRING']) as Map<string, string>)], [['a', 'int8'], ['b', 'string']]);
  });
});
