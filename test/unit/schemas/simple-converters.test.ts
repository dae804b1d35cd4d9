// Expected texts and bytes are what Kafka Connect 4.4.0's own classes produce for the same Connect values
// (run on a JVM with -Duser.timezone=UTC); test/converters.test.ts checks our Kafka records with those classes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arrayOf, asBuffer, boolean, bytes, connectDateSchema, connectTimeSchema, connectTimestampSchema, headerText, createByteArrayConverter, createNumberConverter, createStringConverter,
  decimalSchema, encodeDecimal, encodeString, field, float32, float64, int16, int32, int64, mapOf, SchemaDataError, string, stringEncoding, struct,
} from '../../../schemas/index.js';
import { bigDecimalText, javaText } from '../../../schemas/java-text.js';

const utf8 = createStringConverter({ encoding: 'UTF-8' });
const text = (schema: Parameters<typeof javaText>[0], value: unknown) => utf8.fromConnectData('t', schema, value)!.toString('utf8');

const row = struct([
  field('id', int32()), field('name', string({ optional: true })), field('d', decimalSchema(3, undefined, { optional: true })),
  field('f', float64({ optional: true })), field('arr', arrayOf(string({ optional: true }), { optional: true })),
  field('m', mapOf(string(), int32(), { optional: true })), field('dt', connectDateSchema({ optional: true })), field('b', bytes({ optional: true })),
]);

describe('StringConverter', () => {
  it('writes a struct as Struct.toString(): fields in order, null fields left out, Java texts of the values', () => {
    assert.equal(text(row, { id: 1, name: 'x', d: '0.000', f: 1e10, arr: ['a', null], m: { k: 1 }, dt: 3, b: null }),
      'Struct{id=1,name=x,d=0.000,f=1.0E10,arr=[a, null],m={k=1},dt=Sun Jan 04 00:00:00 UTC 1970}');
    assert.equal(text(row, { id: 2, name: null }), 'Struct{id=2}');
  });

  it('null stays null (a tombstone), strings and numbers as Java prints them', () => {
    assert.equal(utf8.fromConnectData('t', row, null), null);
    assert.equal(text(string(), 'plain'), 'plain');
    assert.equal(text(null, [1, 'a']), '[1, a]');
    assert.equal(text(float32(), 1), '1.0');
    assert.equal(text(int16(), 3), '3');
    assert.equal(text(int64(), 2n ** 63n - 1n), '9223372036854775807');
    assert.equal(text(boolean(), false), 'false');
    assert.equal(text(float64(), NaN), 'NaN');
    assert.equal(text(connectTimestampSchema(), 1700000000123), 'Tue Nov 14 22:13:20 UTC 2023');
    // Java prints byte[] as [B@<identity hash>; base64 is our documented choice.
    assert.equal(text(bytes(), Buffer.from([1, 2])), 'AQI=');
  });

  it('Decimal as BigDecimal.toString(), from text or Connect bytes', () => {
    const cases: Array<[bigint, number, string]> = [
      [1n, 7, '1E-7'], [1n, -3, '1E+3'], [0n, 6, '0.000000'], [12345n, 9, '0.000012345'], [0n, 7, '0E-7'], [-5n, -2, '-5E+2'], [-1234n, 2, '-12.34'],
    ];
    for (const [u, s, want] of cases) assert.equal(bigDecimalText(u, s), want, `${u} scale ${s}`);
    assert.equal(text(decimalSchema(2), '-3.5'), '-3.50');
    assert.equal(text(decimalSchema(2), encodeDecimal('12.34', 2)), '12.34');
  });

  it('converter.encoding: charsets as String.getBytes, unmappable characters as ?', () => {
    assert.deepEqual([...encodeString('Aé', stringEncoding('UTF-16')!)], [0xfe, 0xff, 0, 65, 0, 0xe9]);
    assert.deepEqual([...encodeString('A😀é', stringEncoding('us-ascii')!)], [65, 63, 63]);
    assert.deepEqual([...encodeString('é', stringEncoding('latin1')!)], [0xe9]);
    assert.deepEqual([...encodeString('é', stringEncoding('UTF8')!)], [0xc3, 0xa9]);
    assert.deepEqual([...encodeString('é', stringEncoding('UTF-16LE')!)], [0xe9, 0]);
    assert.equal(stringEncoding('nope'), undefined);
  });
});

const refused = (fn: () => unknown, message: string) => assert.throws(fn, (e: unknown) => e instanceof SchemaDataError && e.code === 'CONVERTER_INCOMPATIBLE' && e.message === message);

describe('ByteArrayConverter', () => {
  const c = createByteArrayConverter();
  it('passes bytes through; null stays null', () => {
    assert.deepEqual(c.fromConnectData('t', bytes(), Buffer.from([1, 2])), Buffer.from([1, 2]));
    assert.deepEqual(c.fromConnectData('t', null, new Uint8Array([3])), Buffer.from([3]));
    assert.equal(c.fromConnectData('t', bytes({ optional: true }), null), null);
  });
  it('refuses other values with Connect\'s DataException messages', () => {
    refused(() => c.fromConnectData('t', row, { id: 1 }), 'Invalid schema type for ByteArrayConverter: STRUCT');
    refused(() => c.fromConnectData('t', string(), 'x'), 'Invalid schema type for ByteArrayConverter: STRING');
    refused(() => c.fromConnectData('t', null, { id: 1 }), 'ByteArrayConverter is not compatible with objects of type class java.util.HashMap');
    refused(() => c.fromConnectData('t', null, 'x'), 'ByteArrayConverter is not compatible with objects of type class java.lang.String');
    refused(() => c.fromConnectData('t', decimalSchema(2), '1.00'), 'ByteArrayConverter is not compatible with objects of type class java.math.BigDecimal');
  });
});

describe('number converters', () => {
  it('write Kafka serializers\' big-endian forms', () => {
    assert.deepEqual([...asBuffer(createNumberConverter('integer').fromConnectData('t', int32(), 5))!], [0, 0, 0, 5]);
    assert.deepEqual([...asBuffer(createNumberConverter('integer').fromConnectData('t', null, 5))!], [0, 0, 0, 5]);
    assert.deepEqual([...asBuffer(createNumberConverter('long').fromConnectData('t', int64(), -2n))!], [255, 255, 255, 255, 255, 255, 255, 254]);
    assert.deepEqual([...asBuffer(createNumberConverter('short').fromConnectData('t', int16(), 258))!], [1, 2]);
    assert.deepEqual(createNumberConverter('double').fromConnectData('t', float64(), 1.5), Buffer.from('3ff8000000000000', 'hex'));
    assert.deepEqual(createNumberConverter('float').fromConnectData('t', float32(), 1.5), Buffer.from('3fc00000', 'hex'));
    assert.deepEqual([...asBuffer(createNumberConverter('boolean').fromConnectData('t', null, true))!], [1]);
    assert.equal(createNumberConverter('integer').fromConnectData('t', int32({ optional: true }), null), null);
  });
  it('refuse other types as Connect does', () => {
    refused(() => createNumberConverter('integer').fromConnectData('t', string(), 'x'), 'Failed to serialize to integer (was class java.lang.String): ');
    refused(() => createNumberConverter('integer').fromConnectData('t', int64(), 5), 'Failed to serialize to integer (was class java.lang.Long): ');
    refused(() => createNumberConverter('integer').fromConnectData('t', row, { id: 1 }), 'Failed to serialize to integer (was class org.apache.kafka.connect.data.Struct): ');
    refused(() => createNumberConverter('boolean').fromConnectData('t', string(), 'x'), 'Invalid schema type for BooleanConverter: STRING');
    refused(() => createNumberConverter('boolean').fromConnectData('t', int32(), true), 'Invalid schema type for BooleanConverter: INT32');
    refused(() => createNumberConverter('boolean').fromConnectData('t', null, 'x'), 'BooleanConverter is not compatible with objects of type class java.lang.String');
  });
});

describe('SimpleHeaderConverter text (headerText)', () => {
  it('matches Connect 4.4.0\'s Values.convertToString for logical types, escapes, maps and NaN', () => {
    const inner = struct([field('q', string())]);
    const s = struct([
      field('d', decimalSchema(2)), field('d2', decimalSchema(9)), field('t', connectTimeSchema()), field('ts', connectTimestampSchema()), field('b', bytes()),
      field('s', string()), field('in', inner), field('m', mapOf(string(), float32())), field('n', int64({ optional: true })), field('nan', float64()),
    ]);
    const value = { d: '-3.50', d2: '0.000000001', t: 3723004, ts: 1700000000123, b: Buffer.from([1, 2]), s: 'a"b\\c\n\u0001é', in: { q: 'z' }, m: { x: 1.5 }, n: null, nan: NaN };
    assert.equal(headerText(s, value), '{"d":-3.50,"d2":1E-9,"t":01:02:03.004Z,"ts":2023-11-14T22:13:20.123Z,"b":"AQI=","s":"a\\"b\\\\c\n\u0001é","in":{"q":"z"},"m":{"x":1.5},"n":null,"nan":NaN}');
    assert.equal(headerText(decimalSchema(9), '0.000000001'), '1E-9');
    assert.equal(headerText(connectDateSchema(), 3), '1970-01-04');
    assert.equal(headerText(connectTimeSchema(), 3723004), '01:02:03.004Z');
    assert.equal(headerText(bytes(), Buffer.from([1, 2])), 'AQI=');
    assert.equal(headerText(float64(), 1e10), '1.0E10');
    assert.equal(headerText(boolean(), true), 'true');
    assert.equal(headerText(string({ optional: true }), null), null);
  });
});
