import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quote } from '../../../schemas/json-format.js';
import {
  arrayOf, boolean, bytes, connectDateSchema, createJsonConverter, decimalSchema, field, float32, float64,
  formatDouble, formatFloat, int16, int32, int64, int8, mapOf, SchemaDataError, string, struct, type ConnectSchema,
} from '../../../schemas/index.js';

const withSchemas = createJsonConverter({ schemasEnable: true, isKey: false });
const plain = createJsonConverter({ schemasEnable: false, isKey: false });
const payload = (schema: ConnectSchema | null, value: unknown) => plain.fromConnectData('t', schema, value)!.toString('utf8');
const wrapped = (schema: ConnectSchema | null, value: unknown) => withSchemas.fromConnectData('t', schema, value)!.toString('utf8');

describe('JsonConverter numbers', () => {
  it('float64 as Java Double.toString', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'], [0.1, '0.1'], [-2.5, '-2.5'], [1e7, '1.0E7'], [9999999.5, '9999999.5'], [0.001, '0.001'],
      [0.0001, '1.0E-4'], [1.2345e-5, '1.2345E-5'], [1e21, '1.0E21'], [123456789.125, '1.23456789125E8'],
      [-0, '-0.0'], [0, '0.0'], [Number.MAX_VALUE, '1.7976931348623157E308'], [5e-324, '4.9E-324'],
      [NaN, '"NaN"'], [Infinity, '"Infinity"'], [-Infinity, '"-Infinity"'],
    ];
    for (const [v, want] of cases) assert.equal(formatDouble(v), want, `formatDouble(${v})`);
    assert.equal(payload(float64(), 1e7), '1.0E7');
  });
  it('float32 as Java Float.toString, also for doubles a driver read from FLOAT columns', () => {
    const cases: Array<[number, string]> = [
      [99.99, '99.99'], [Math.fround(1.1), '1.1'], [1.100000023841858, '1.1'], [0.1, '0.1'], [16777217, '1.6777216E7'],
      [3.4028234663852886e38, '3.4028235E38'], [1e-45, '1.4E-45'], [5, '5.0'], [NaN, '"NaN"'],
    ];
    for (const [v, want] of cases) assert.equal(formatFloat(v), want, `formatFloat(${v})`);
    assert.equal(payload(float32(), 99.99), '99.99');
  });
  it('integers, int64 beyond 2^53 as exact digits', () => {
    const s = struct([field('a', int8()), field('b', int16()), field('c', int32()), field('d', int64()), field('e', int64())]);
    assert.equal(payload(s, { a: -128, b: 32767, c: -2147483648, d: 9007199254740993n, e: -9223372036854775808n }),
      '{"a":-128,"b":32767,"c":-2147483648,"d":9007199254740993,"e":-9223372036854775808}');
  });
});

describe('JsonConverter strings and bytes', () => {
  it('escapes control characters as Jackson does (upper-case hex) and leaves Unicode raw', () => {
    assert.equal(payload(string(), 'a\u001fb\n"\\\t\u0000'), '"a\\u001Fb\\n\\"\\\\\\t\\u0000"');
    assert.equal(payload(string(), 'x\\u001f'), '"x\\\\u001f"', 'a literal backslash-u stays as written');
    assert.equal(payload(string(), 'é😀\u2028'), '"é😀\u2028"');
  });
  it('bytes as padded base64; Decimal bytes too, or as a number with decimal.format=numeric', () => {
    assert.equal(payload(bytes(), Buffer.from([0, 1, 2, 255])), '"AAEC/w=="');
    assert.equal(payload(bytes(), new Uint8Array([251, 255])), '"+/8="');
    const dec = decimalSchema(2, 10);
    assert.equal(payload(dec, Buffer.from([0x85])), '"hQ=="');
    assert.equal(payload(dec, '-1.23'), '"hQ=="', 'decimal text is encoded at the schema scale');
    const numeric = createJsonConverter({ schemasEnable: false, isKey: false, decimalFormat: 'numeric' });
    assert.equal(numeric.fromConnectData('t', dec, Buffer.from([0x85]))!.toString(), '-1.23');
  });
});

describe('JsonConverter structure', () => {
  const row = struct([
    field('id', int32()),
    field('qty', int32({ default: 7 })),
    field('note', string({ optional: true })),
    field('flag', boolean()),
  ], { optional: true, name: 'db.t.Value' });

  it('writes struct fields in schema order regardless of object key order', () => {
    assert.equal(payload(row, { flag: true, note: 'n', qty: 1, id: 5 }), '{"id":5,"qty":1,"note":"n","flag":true}');
  });
  it('null: optional → null, with default → the default, required → DATA_REQUIRED_NULL', () => {
    assert.equal(payload(row, { id: 1, qty: null, note: null, flag: false }), '{"id":1,"qty":7,"note":null,"flag":false}');
    assert.equal(payload(row, { id: 1, flag: false }), '{"id":1,"qty":7,"note":null,"flag":false}', 'missing = null');
    assert.throws(() => payload(row, { id: null, flag: false }),
      (e: unknown) => e instanceof SchemaDataError && e.code === 'DATA_REQUIRED_NULL' && /'id'/.test(e.message));
  });
  it('wrong types fail with DATA_INVALID_VALUE instead of writing bad JSON', () => {
    assert.throws(() => payload(row, { id: 1, note: 5, flag: true }),
      (e: unknown) => e instanceof SchemaDataError && e.code === 'DATA_INVALID_VALUE');
    assert.throws(() => payload(row, { id: 'x', flag: true }), SchemaDataError);
    assert.throws(() => payload(row, 'not a struct'), SchemaDataError);
  });
  it('arrays and maps: string keys → object, other keys → array of pairs', () => {
    assert.equal(payload(arrayOf(string({ optional: true })), ['a', null]), '["a",null]');
    const byName = mapOf(string(), int32());
    assert.equal(payload(byName, { a: 1, b: 2 }), '{"a":1,"b":2}');
    assert.equal(payload(byName, new Map([['x', 3]])), '{"x":3}');
    assert.equal(payload(mapOf(int16(), float64()), new Map([[1, 0.5], [2, 2]])), '[[1,0.5],[2,2.0]]');
  });
  it('a tombstone stays a tombstone; schemas.enable=false writes the payload alone', () => {
    assert.equal(withSchemas.fromConnectData('t', row, null), null);
    assert.equal(plain.fromConnectData('t', null, null), null);
    assert.equal(payload(int32(), 5), '5');
  });
  it('schemaless values are written with schema null', () => {
    assert.equal(wrapped(null, { a: [1, 'x', true], b: 1.5, c: 10n }), '{"schema":null,"payload":{"a":[1,"x",true],"b":1.5,"c":10}}');
  });
  it('Connect Date accepts a JS Date like java.util.Date', () => {
    assert.equal(payload(connectDateSchema(), new Date(Date.UTC(2020, 1, 29))), '18321');
  });
});

describe('JsonConverter schema JSON', () => {
  it('uses Connect type names and key order type, fields/items/keys/values, optional, name, version, doc, parameters, default', () => {
    const s = struct([
      field('f', float32({ optional: true })),
      field('d', float64({ default: 1 })),
      field('tags', arrayOf(string(), { optional: true })),
      field('m', mapOf(string(), int64())),
      field('p', decimalSchema(2, 10, { default: Buffer.from([0x7b]) })),
    ], { name: 'n', version: 3, doc: 'a "doc"' });
    assert.equal(wrapped(s, { f: 1, d: 2, tags: [], m: {}, p: '1.00' }),
      '{"schema":{"type":"struct","fields":[' +
      '{"type":"float","optional":true,"field":"f"},' +
      '{"type":"double","optional":false,"default":1.0,"field":"d"},' +
      '{"type":"array","items":{"type":"string","optional":false},"optional":true,"field":"tags"},' +
      '{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int64","optional":false},"optional":false,"field":"m"},' +
      '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"default":"ew==","field":"p"}' +
      '],"optional":false,"name":"n","version":3,"doc":"a \\"doc\\""},' +
      '"payload":{"f":1.0,"d":2.0,"tags":[],"m":{},"p":"ZA=="}}', '1.00 at scale 2 is 100 = 0x64');
  });
  it('the same schema object converts the same way every time (cached) and other objects independently', () => {
    const a = struct([field('x', int32())], { name: 'a' });
    const b = struct([field('x', string())], { name: 'a' });
    assert.equal(wrapped(a, { x: 1 }), wrapped(a, { x: 1 }));
    assert.equal(wrapped(b, { x: '1' }), '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"x"}],"optional":false,"name":"a"},"payload":{"x":"1"}}');
  });
});

it('string literals: the no-escape fast path and the escaping path agree with JSON.stringify (Jackson upper-case hex)', () => {
  const cases = ['', 'plain', 'order note number 12345', 'quote " inside', 'back\\slash', 'tab\tnew\nline', '\u0000\u001f\u007f',
    'Zoë ☃', 'pair 𝄞', 'lone \ud800 high', 'lone \udc00 low', '</script>', '["1/2","3/4"]', 'literal \\u001f text', 'mixed \\ \u0001'];
  for (const s of cases) {
    // An escaped backslash is skipped whole, so a literal "\u00xx" in the text keeps its case.
    const expected = JSON.stringify(s).replace(/\\(?:\\|u00([0-9a-f]{2}))/g, (m: string, h?: string) => (h === undefined ? m : '\\u00' + h.toUpperCase()));
    assert.equal(quote(s), expected, JSON.stringify(s));
  }
});
