import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDecimal } from '../../../../schemas/index.js';
import {
  DEFAULT_PG_MAPPING_OPTIONS, parseArrayLiteral, parseHstore, parseMoney, pgColumnMapping, typeModifiers,
  PG_TIMESTAMP_POSITIVE_INFINITY, type PgMappingOptions, type PgType,
} from '../../../../schemas/postgres/index.js';

const base = (name: string, kind: PgType['kind'] = 'b'): PgType => ({ oid: 1, name, kind });
const arrayOf = (el: PgType): PgType => ({ oid: 2, name: `_${el.name}`, kind: 'b', element: el });
const map = (type: PgType | string, typeMod = -1, opts: Partial<PgMappingOptions> = {}, optional = true) =>
  pgColumnMapping({ name: 'c', type: typeof type === 'string' ? base(type) : type, typeMod, optional }, { ...DEFAULT_PG_MAPPING_OPTIONS, ...opts });
const enc = (type: PgType | string, text: string, typeMod = -1, opts: Partial<PgMappingOptions> = {}) => map(type, typeMod, opts).encode(text);
const numericMod = (p: number, s: number) => ((p << 16) | s) + 4;

describe('PostgreSQL typmods', () => {
  it('decodes varchar, numeric, time and bit modifiers', () => {
    assert.equal(typeModifiers('varchar', 24).length, 20);
    assert.deepEqual([typeModifiers('numeric', numericMod(10, 2)).precision, typeModifiers('numeric', numericMod(10, 2)).scale], [10, 2]);
    assert.equal(typeModifiers('numeric', -1).scale, null);
    assert.equal(typeModifiers('timestamp', 3).timePrecision, 3);
    assert.equal(typeModifiers('timestamptz', -1).timePrecision, 6);
    assert.equal(typeModifiers('bit', 5).length, 5);
  });
});

describe('PostgreSQL text formats', () => {
  it('parses array literals with quotes, escapes, NULLs and nesting', () => {
    assert.deepEqual(parseArrayLiteral('{1,2,NULL}'), ['1', '2', null]);
    assert.deepEqual(parseArrayLiteral('{"a b","c\\"d","NULL",e\\\\f}'.replace('e\\\\f', '"e\\\\f"')), ['a b', 'c"d', 'NULL', 'e\\f']);
    assert.deepEqual(parseArrayLiteral('{{1,2},{3,4}}'), ['1', '2', '3', '4']);
    assert.deepEqual(parseArrayLiteral('[0:1]={7,8}'), ['7', '8']);
    assert.deepEqual(parseArrayLiteral('{}'), []);
  });
  it('parses hstore and money', () => {
    assert.deepEqual(parseHstore('"a"=>"1", "b c"=>NULL, "q\\""=>"x\\\\y"'), [['a', '1'], ['b c', null], ['q"', 'x\\y']]);
    assert.deepEqual(parseHstore(''), []);
    assert.equal(parseMoney('$1,234.56'), '1234.56');
    assert.equal(parseMoney('-$0.99'), '-0.99');
  });
});

describe('PostgreSQL type mapping (Debezium defaults)', () => {
  it('maps integers, floats and booleans', () => {
    assert.equal(map('int2').schema.type, 'int16');
    assert.equal(enc('int4', '-7'), -7);
    assert.equal(enc('int8', '9007199254740993'), 9007199254740993n);
    assert.equal(enc('int8', '42'), 42);
    assert.equal(map('float4').schema.type, 'float32');
    assert.ok(Number.isNaN(enc('float8', 'NaN') as number));
    assert.equal(enc('float8', '-Infinity'), -Infinity);
    assert.equal(enc('bool', 't'), true);
    assert.equal(enc('bool', 'f'), false);
  });

  it('maps numeric with typmod to Decimal and without to VariableScaleDecimal; NaN is null in precise mode', () => {
    const m = map('numeric', numericMod(10, 2));
    assert.equal(m.schema.name, 'org.apache.kafka.connect.data.Decimal');
    assert.deepEqual(m.schema.parameters, { scale: '2', 'connect.decimal.precision': '10' });
    assert.equal(decodeDecimal(m.encode('-12.50') as Buffer, 2), '-12.50');
    const v = map('numeric');
    assert.equal(v.schema.name, 'io.debezium.data.VariableScaleDecimal');
    const vsd = v.encode('1.2500') as { scale: number; value: Buffer };
    assert.equal(vsd.scale, 2);
    assert.equal(decodeDecimal(vsd.value, 2), '1.25');
    assert.equal(v.encode('NaN'), null);
    assert.equal(m.encode('NaN'), null);
    assert.equal(enc('numeric', 'NaN', -1, { decimalMode: 'string' }), 'NaN');
    assert.ok(Number.isNaN(enc('numeric', 'NaN', -1, { decimalMode: 'double' }) as number));
    assert.equal(enc('numeric', '3.10', numericMod(5, 2), { decimalMode: 'string' }), '3.10');
  });

  it('maps money, bytea, bits, uuid, json, xml, enum and network types', () => {
    const money = map('money');
    assert.deepEqual(money.schema.parameters, { scale: '2' });
    assert.equal(decodeDecimal(money.encode('-$1,000.25') as Buffer, 2), '-1000.25');
    assert.deepEqual(enc('bytea', '\\x00ff10'), Buffer.from([0, 255, 16]));
    assert.equal(enc('bytea', '\\x00ff', -1, { binaryMode: 'hex' }), '00ff');
    assert.equal(enc('bytea', '\\x00ff', -1, { binaryMode: 'base64' }), 'AP8=');
    assert.equal(map('bit', 1).schema.type, 'boolean');
    assert.equal(enc('bit', '1', 1), true);
    const bits = map('bit', 10);
    assert.equal(bits.schema.name, 'io.debezium.data.Bits');
    assert.deepEqual(bits.schema.parameters, { length: '10' });
    assert.deepEqual(bits.encode('0000000101'), Buffer.from([0x05]));
    assert.equal(map('uuid').schema.name, 'io.debezium.data.Uuid');
    assert.equal(map('jsonb').schema.name, 'io.debezium.data.Json');
    assert.equal(enc('jsonb', '{"a": 1}'), '{"a": 1}');
    assert.equal(map('xml').schema.name, 'io.debezium.data.Xml');
    const mood = map({ oid: 9, name: 'mood', kind: 'e', enumValues: ['sad', 'ok', 'happy'] });
    assert.deepEqual([mood.schema.name, mood.schema.parameters], ['io.debezium.data.Enum', { allowed: 'sad,ok,happy' }]);
    for (const t of ['inet', 'cidr', 'macaddr', 'int4range', 'tstzrange', 'text', 'bpchar']) assert.equal(map(t).schema.type, 'string', t);
    assert.equal(enc('int4range', '[1,5)'), '[1,5)');
  });

  it('maps dates and times, including infinity and BC', () => {
    assert.equal(map('date').schema.name, 'io.debezium.time.Date');
    assert.equal(enc('date', '1970-01-02'), 1);
    assert.equal(enc('date', '0001-01-01 BC'), -719528); // year 0 of the proleptic calendar
    assert.equal(map('timestamp').schema.name, 'io.debezium.time.MicroTimestamp');
    assert.equal(enc('timestamp', '2020-01-01 00:00:00.123456'), 1577836800123456);
    assert.equal(enc('timestamp', 'infinity'), PG_TIMESTAMP_POSITIVE_INFINITY);
    assert.equal(map('timestamp', 3).schema.name, 'io.debezium.time.Timestamp');
    assert.equal(enc('timestamp', '2020-01-01 00:00:00.123', 3), 1577836800123);
    assert.equal(map('timestamptz').schema.name, 'io.debezium.time.ZonedTimestamp');
    assert.equal(enc('timestamptz', '2020-01-01 10:00:00.5+00'), '2020-01-01T10:00:00.500000Z');
    assert.equal(enc('timestamptz', 'infinity'), 'infinity');
    assert.equal(map('time').schema.name, 'io.debezium.time.MicroTime');
    assert.equal(enc('time', '01:00:00.000001'), 3_600_000_001);
    assert.equal(enc('time', '24:00:00'), 86_400_000_000);
    assert.equal(map('timetz').schema.name, 'io.debezium.time.ZonedTime');
    assert.equal(enc('timetz', '10:15:30.5+02'), '08:15:30.5Z');
    assert.equal(map('time', -1, { timePrecisionMode: 'connect' }).schema.name, 'org.apache.kafka.connect.data.Time');
  });

  it('maps intervals to MicroDuration or ISO strings', () => {
    assert.equal(map('interval').schema.name, 'io.debezium.time.MicroDuration');
    assert.equal(map('interval').schema.type, 'int64');
    assert.equal(enc('interval', '1 day 01:00:00'), 90_000_000_000);
    assert.equal(enc('interval', '1 mon'), 30.4375 * 86_400_000_000);
    assert.equal(enc('interval', '1 year 2 mons 3 days 04:05:06.78', -1, { intervalMode: 'string' }), 'P1Y2M3DT4H5M6.78S');
  });

  it('maps hstore to JSON or a map, arrays to arrays, domains to their base type', () => {
    assert.equal(enc('hstore', '"a"=>"1", "b"=>NULL'), '{"a":"1","b":null}');
    assert.deepEqual(enc('hstore', '"a"=>"1"', -1, { hstoreMode: 'map' }), { a: '1' });
    const ints = map(arrayOf(base('int4')));
    assert.equal(ints.schema.type, 'array');
    assert.equal(ints.schema.items?.type, 'int32');
    assert.equal(ints.schema.items?.optional, true);
    assert.deepEqual(ints.encode('{1,NULL,3}'), [1, null, 3]);
    assert.deepEqual(enc(arrayOf(base('text')), '{"a,b",c}'), ['a,b', 'c']);
    const domain: PgType = { oid: 3, name: 'positive_money', kind: 'd', base: base('numeric'), baseTypeMod: numericMod(8, 3) };
    const dm = map(domain);
    assert.deepEqual(dm.schema.parameters, { scale: '3', 'connect.decimal.precision': '8' });
  });

  it('has a placeholder for unchanged TOAST values in the column type', () => {
    const p = DEFAULT_PG_MAPPING_OPTIONS.unavailablePlaceholder;
    assert.equal(map('text').unavailable, p);
    assert.equal(map('jsonb').unavailable, p);
    assert.deepEqual(map('bytea').unavailable, Buffer.from(p));
    assert.deepEqual(map(arrayOf(base('text'))).unavailable, [p]);
    assert.equal(map('int4').unavailable, null);
  });
});
