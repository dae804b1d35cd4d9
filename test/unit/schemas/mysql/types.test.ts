import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDecimal } from '../../../../schemas/index.js';
import {
  buildTableCodec, columnFromDefinition, columnMapping, DEFAULT_MODES, float32Value, parseQuotedList, tableSignature,
  type MySqlColumn, type TypeModes,
} from '../../../../schemas/mysql/index.js';

const bytesToBigint = (b: Buffer) => BigInt(decodeDecimal(b, 0));

const col = (columnType: string, optional = true, name = 'c'): MySqlColumn => columnFromDefinition({ name, columnType, optional });
const enc = (columnType: string, raw: unknown, modes: Partial<TypeModes> = {}, optional = true) =>
  columnMapping(col(columnType, optional), { ...DEFAULT_MODES, ...modes }).encode(raw);
const schemaOf = (columnType: string, modes: Partial<TypeModes> = {}) => columnMapping(col(columnType), { ...DEFAULT_MODES, ...modes }).schema;

describe('MySQL column definitions', () => {
  it('parses COLUMN_TYPE strings', () => {
    assert.deepEqual(
      { ...col('int(10) unsigned') },
      { name: 'c', dataType: 'int', unsigned: true, optional: true, length: 10, scale: null, fsp: 0, enumValues: null, json: false },
    );
    const d = col('decimal(65,30)');
    assert.equal(d.length, 65);
    assert.equal(d.scale, 30);
    assert.equal(col('datetime(6)').fsp, 6);
    assert.equal(col('timestamp').fsp, 0);
    assert.deepEqual(col("enum('a','b''c','d,e')").enumValues, ['a', "b'c", 'd,e']);
    assert.deepEqual(col("set('x','y')").enumValues, ['x', 'y']);
    assert.equal(col('bit(12)').length, 12);
    assert.equal(col('double precision').dataType, 'double');
  });

  it('parses quoted lists with escapes', () => {
    assert.deepEqual(parseQuotedList("'a','',' b '"), ['a', '', ' b ']);
  });

  it('signatures differ when the wire format differs and agree for INFORMATION_SCHEMA vs binlog spellings', () => {
    const info = [col('int(11)', false, 'id'), col('uuid', true, 'u'), col('decimal(10,2)', true, 'd')];
    const wire = [col('int', false, 'id'), col('binary(16)', true, 'u'), col('decimal(10,2)', true, 'd')];
    assert.equal(tableSignature(info), tableSignature(wire));
    assert.notEqual(tableSignature(info), tableSignature([col('int', false, 'id'), col('binary(16)', true, 'u'), col('decimal(12,2)', true, 'd')]));
    assert.notEqual(tableSignature([col('int(11)')]), tableSignature([col('int(11) unsigned')]));
    assert.notEqual(tableSignature([col('datetime(3)')]), tableSignature([col('datetime(6)')]));
    // zongji may report a VARCHAR after a MariaDB UUID column as VARBINARY: the definitions still agree
    assert.equal(tableSignature([col('varchar(20)', true, 's')]), tableSignature([col('varbinary(20)', true, 's')]));
  });
});

describe('MySQL type mapping (Debezium defaults)', () => {
  it('integers', () => {
    assert.equal(schemaOf('tinyint(4)').type, 'int16');
    assert.equal(schemaOf('tinyint(3) unsigned').type, 'int16');
    assert.equal(schemaOf('smallint(5) unsigned').type, 'int32');
    assert.equal(schemaOf('int(11)').type, 'int32');
    assert.equal(schemaOf('int(10) unsigned').type, 'int64');
    assert.equal(schemaOf('bigint(20)').type, 'int64');
    assert.equal(enc('bigint(20)', '-9223372036854775808'), -9223372036854775808n);
    assert.equal(enc('bigint(20)', 42), 42);
    // long mode: BIGINT UNSIGNED above 2^63-1 wraps like Java's long
    assert.equal(enc('bigint(20) unsigned', '18446744073709551615'), -1);
    const precise = schemaOf('bigint(20) unsigned', { bigintUnsigned: 'precise' });
    assert.equal(precise.name, 'org.apache.kafka.connect.data.Decimal');
    assert.equal(bytesToBigint(enc('bigint(20) unsigned', '18446744073709551615', { bigintUnsigned: 'precise' }) as Buffer), 18446744073709551615n);
  });

  it('decimals in every handling mode', () => {
    const s = schemaOf('decimal(65,30)');
    assert.deepEqual(s.parameters, { scale: '30', 'connect.decimal.precision': '65' });
    const big = '-12345678901234567890123456789012345.123456789012345678901234567890';
    assert.equal(bytesToBigint(enc('decimal(65,30)', big) as Buffer), -12345678901234567890123456789012345123456789012345678901234567890n);
    assert.equal(bytesToBigint(enc('decimal(5,2)', '0.05') as Buffer), 5n);
    assert.equal(bytesToBigint(enc('decimal(5,2)', '-1.00') as Buffer), -100n);
    assert.equal(enc('decimal(5,2)', '123.45', { decimal: 'double' }), 123.45);
    assert.equal(enc('decimal(5,2)', '123.40', { decimal: 'string' }), '123.40');
  });

  it('floats are the exact single, read from binlog singles or from the snapshot\'s widened text', () => {
    assert.equal(float32Value(Math.fround(4 / 3)), 1.3333333730697632);
    assert.equal(float32Value('1.3333333730697632'), 1.3333333730697632);
    assert.equal(float32Value(Math.fround(1.1)), Math.fround(1.1));
    assert.equal(schemaOf('float').type, 'float32');
    assert.equal(schemaOf('double').type, 'float64');
  });

  it('bits', () => {
    assert.equal(schemaOf('bit(1)').type, 'boolean');
    assert.equal(enc('bit(1)', Buffer.from([1])), true);
    assert.equal(enc('bit(1)', Buffer.from([0])), false);
    const s = schemaOf('bit(12)');
    assert.equal(s.name, 'io.debezium.data.Bits');
    assert.deepEqual(s.parameters, { length: '12' });
    // b'101100000001' = 0x0B01 big-endian from the server → little-endian bytes
    assert.deepEqual(enc('bit(12)', Buffer.from([0x0b, 0x01])), Buffer.from([0x01, 0x0b]));
  });

  it('binary handling modes', () => {
    const b = Buffer.from([0xfb, 0xff, 0x00]);
    assert.deepEqual(enc('varbinary(10)', b), b);
    assert.equal(enc('blob', b, { binary: 'base64' }), '+/8A');
    assert.equal(enc('blob', b, { binary: 'base64-url-safe' }), '-_8A');
    assert.equal(enc('blob', Buffer.from([1]), { binary: 'base64-url-safe' }), 'AQ==');
    assert.equal(enc('blob', b, { binary: 'hex' }), 'fbff00');
    assert.equal(schemaOf('blob', { binary: 'hex' }).type, 'string');
  });

  it('temporal types in each precision mode', () => {
    assert.equal(schemaOf('date').name, 'io.debezium.time.Date');
    assert.equal(enc('date', '2018-06-20'), 17702);
    assert.equal(enc('date', '0000-00-00'), null);
    assert.equal(enc('date', '0000-00-00', {}, false), 0);
    assert.equal(schemaOf('time(3)').name, 'io.debezium.time.MicroTime');
    assert.equal(enc('time(3)', '-01:00:00.500'), -3_600_500_000);
    assert.equal(schemaOf('time(3)', { time: 'adaptive' }).name, 'io.debezium.time.Time');
    assert.equal(schemaOf('time', { time: 'connect' }).name, 'org.apache.kafka.connect.data.Time');
    assert.equal(schemaOf('datetime(3)').name, 'io.debezium.time.Timestamp');
    assert.equal(schemaOf('datetime(6)').name, 'io.debezium.time.MicroTimestamp');
    assert.equal(schemaOf('datetime(6)', { time: 'connect' }).name, 'org.apache.kafka.connect.data.Timestamp');
    assert.equal(enc('datetime(6)', '2018-06-20 06:37:03.000001'), 1529476623000001);
    assert.equal(enc('datetime', '2018-06-20 06:37:03'), 1529476623000);
    assert.equal(schemaOf('timestamp(6)').name, 'io.debezium.time.ZonedTimestamp');
    assert.equal(enc('timestamp(2)', '2018-06-20 13:37:03.25'), '2018-06-20T13:37:03.25Z');
    assert.equal(enc('timestamp(6)', '2018-06-20 13:37:03.120000'), '2018-06-20T13:37:03.12Z');
    // Debezium's binlog reader pads TIMESTAMP fractions to the column's precision, its snapshot does not
    const ts6 = columnMapping(columnFromDefinition({ name: 'c', columnType: 'timestamp(6)', optional: true }), DEFAULT_MODES);
    assert.equal(ts6.encodeBinlog!('2018-06-20 13:37:03.120000'), '2018-06-20T13:37:03.120000Z');
    assert.equal(ts6.encodeBinlog!('2018-06-20 13:37:03'), '2018-06-20T13:37:03.000000Z');
    assert.equal(ts6.encode('2018-06-20 13:37:03.000000'), '2018-06-20T13:37:03Z');
    assert.equal(enc('timestamp', '2018-06-20 13:37:03'), '2018-06-20T13:37:03Z');
    assert.equal(enc('datetime(6)', '9999-12-31 23:59:59.999999'), 253402300799999999n);
    assert.equal(enc('datetime', '0000-00-00 00:00:00'), null);
    assert.equal(enc('time', '838:59:59'), 3_020_399_000_000);
    assert.equal(enc('timestamp', '0000-00-00 00:00:00', {}, false), '1970-01-01T00:00:00Z');
    assert.equal(enc('year(4)', 2024), 2024);
    assert.equal(enc('year(4)', 1900), 0);
    assert.equal(schemaOf('year').name, 'io.debezium.time.Year');
  });

  it('strings, enums, sets, json and MariaDB types', () => {
    const e = schemaOf("enum('small','large')");
    assert.equal(e.name, 'io.debezium.data.Enum');
    assert.deepEqual(e.parameters, { allowed: 'small,large' });
    assert.equal(schemaOf("set('a','b')").name, 'io.debezium.data.EnumSet');
    assert.equal(schemaOf('json').name, 'io.debezium.data.Json');
    assert.equal(enc('uuid', Buffer.from('123e4567e89b12d3a456426614174000', 'hex')), '123e4567-e89b-12d3-a456-426614174000');
    assert.equal(enc('uuid', '123e4567-e89b-12d3-a456-426614174000'), '123e4567-e89b-12d3-a456-426614174000');
    assert.equal(enc('inet4', Buffer.from([10, 0, 0, 1])), '10.0.0.1');
    assert.equal(enc('inet6', Buffer.from('20010db8000000000000000000000001', 'hex')), '2001:db8::1');
    assert.equal(enc('inet6', Buffer.from('00000000000000000000ffff0a000001', 'hex')), '::ffff:10.0.0.1');
  });

  it('geometry keeps SRID and WKB', () => {
    const wkb = Buffer.alloc(21);
    wkb[0] = 1; wkb.writeUInt32LE(1, 1); wkb.writeDoubleLE(1.5, 5); wkb.writeDoubleLE(-2, 13);
    const raw = Buffer.concat([Buffer.from([0xe6, 0x10, 0, 0]), wkb]);
    const p = enc('point', raw) as { x: number; y: number; wkb: Buffer; srid: number };
    assert.equal(p.x, 1.5);
    assert.equal(p.y, -2);
    assert.equal(p.srid, 4326);
    assert.deepEqual(p.wkb, wkb);
    const g = enc('geometry', raw) as { wkb: Buffer; srid: number };
    assert.deepEqual(g, { wkb, srid: 4326 });
  });
});

describe('table codec', () => {
  const table = {
    database: 'inventory', table: 'orders', primaryKey: ['id'],
    columns: [col('int(11)', false, 'id'), col('varchar(20)', true, 'name'), col('decimal(10,2)', true, 'price')],
  };
  it('builds Debezium row and key schemas', () => {
    const codec = buildTableCodec(table, { topicPrefix: 'srv', modes: DEFAULT_MODES });
    assert.equal(codec.topic, 'srv.inventory.orders');
    assert.equal(codec.valueSchema.name, 'srv.inventory.orders.Value');
    assert.equal(codec.keySchema?.name, 'srv.inventory.orders.Key');
    assert.deepEqual(codec.keySchema?.fields?.map((f) => f.field), ['id']);
  });
  it('encodes array rows and object rows identically', () => {
    const codec = buildTableCodec(table, { topicPrefix: 'srv', modes: DEFAULT_MODES });
    const a = codec.fromArray([1, 'x', '1.50']);
    const o = codec.fromObject({ id: 1, name: 'x', price: '1.50' });
    assert.deepEqual(a, o);
    assert.deepEqual(codec.key(a), { id: 1 });
    assert.deepEqual(codec.fromArray([2, null, null]), { id: 2, name: null, price: null });
  });
  it('drops filtered columns but never key columns, and honours message.key.columns', () => {
    const codec = buildTableCodec(table, {
      topicPrefix: 'srv', modes: DEFAULT_MODES, includeColumn: (c) => c.name === 'name', keyColumns: ['name'],
    });
    assert.deepEqual(codec.valueSchema.fields?.map((f) => f.field), ['id', 'name']);
    assert.deepEqual(codec.fromArray([1, 'x', '1.50']), { id: 1, name: 'x' });
    assert.deepEqual(codec.key({ id: 1, name: 'x' }), { name: 'x' });
  });
  it('has a null key schema without a primary key', () => {
    const codec = buildTableCodec({ ...table, primaryKey: [] }, { topicPrefix: 'srv', modes: DEFAULT_MODES });
    assert.equal(codec.keySchema, null);
    assert.equal(codec.key({ id: 1 }), null);
  });
});
