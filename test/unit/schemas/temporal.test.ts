import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binaryMapping, bitsFromBigEndian, bitsFromBitString, dateMapping, decimalMapping, decimalSchema, decodeDecimal,
  encodeDate, encodeDecimal, encodeTimeMicros, encodeTimeMillis, encodeTimeNanos, encodeTimestampMicros,
  encodeTimestampMillis, encodeTimestampNanos, encodeVariableScaleDecimal, encodeZonedTime, encodeZonedTimestamp,
  enumSchema, enumSetSchema, geometrySchema, intervalIsoString, intervalMicros, parsePostgresInterval, pointSchema,
  pointValue, SchemaDataError, timeMapping, timestampMapping, toInt64, unscaledToBytes, variableScaleDecimalSchema,
  zonedTimestampFromEpochMillis, bitsSchema, INT64_MAX, INT64_MIN,
} from '../../../schemas/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('io.debezium.time.Date', () => {
  it('counts days since 1970-01-01 in the proleptic Gregorian calendar', () => {
    assert.equal(encodeDate('1970-01-01'), 0);
    assert.equal(encodeDate('1969-12-31'), -1);
    assert.equal(encodeDate('2000-01-01'), 10957);
    assert.equal(encodeDate('2020-02-29'), 18321);
    assert.equal(encodeDate('9999-12-31'), 2932896);
    assert.equal(encodeDate('0001-01-01'), -719162);
  });
  it('handles year zero and BC dates (PostgreSQL 0001 BC = ISO year 0)', () => {
    assert.equal(encodeDate('0000-01-01'), -719528);
    assert.equal(encodeDate('0001-01-01 BC'), -719528);
    assert.equal(encodeDate('0002-12-31 BC'), -719529);
    assert.equal(encodeDate('-0001-12-31'), -719529);
  });
  it('rejects MySQL zero dates and impossible dates as null', () => {
    assert.equal(encodeDate('0000-00-00'), null);
    assert.equal(encodeDate('2020-00-10'), null);
    assert.equal(encodeDate('2021-02-29'), null);
    assert.equal(encodeDate('not a date'), null);
  });
});

describe('time encoders', () => {
  it('Time: int32 milliseconds of the day', () => {
    assert.equal(encodeTimeMillis('00:00:00'), 0);
    assert.equal(encodeTimeMillis('10:15:30.123'), 36930123);
    assert.equal(encodeTimeMillis('10:15:30.1239'), 36930123, 'extra digits truncate');
  });
  it('MicroTime: MySQL TIME durations are signed and can exceed 24h', () => {
    assert.equal(encodeTimeMicros('23:59:59.999999'), 86399999999);
    assert.equal(encodeTimeMicros('838:59:59.000000'), 3020399000000);
    assert.equal(encodeTimeMicros('-838:59:59'), -3020399000000);
    assert.equal(encodeTimeMicros('-00:00:00.5'), -500000);
    assert.equal(encodeTimeMicros('24:00:00'), 86400000000, 'PostgreSQL allows 24:00:00');
  });
  it('NanoTime keeps nine digits', () => {
    assert.equal(encodeTimeNanos('00:00:00.000000001'), 1);
    assert.equal(encodeTimeNanos('01:00:00.123456789'), 3600123456789);
  });
});

describe('timestamp encoders', () => {
  it('Timestamp: epoch ms, before and after the epoch', () => {
    assert.equal(encodeTimestampMillis('2018-01-19 13:24:45.123'), 1516368285123);
    assert.equal(encodeTimestampMillis('2018-01-19T13:24:45.123'), 1516368285123);
    assert.equal(encodeTimestampMillis('1900-01-01 00:00:00'), -2208988800000);
    assert.equal(encodeTimestampMillis('1969-12-31 23:59:59.9995'), -1, 'floors like Instant');
    assert.equal(encodeTimestampMillis('2018-01-19'), 1516320000000, 'date only');
  });
  it('applies the offset of timestamptz text', () => {
    assert.equal(encodeTimestampMillis('2018-01-19 15:24:45.123+02'), 1516368285123);
    assert.equal(encodeTimestampMillis('2018-01-19 08:54:45.123-04:30'), 1516368285123);
    assert.equal(encodeTimestampMillis('2018-01-19 13:24:45.123Z'), 1516368285123);
  });
  it('MicroTimestamp: number while exact, bigint beyond 2^53', () => {
    assert.equal(encodeTimestampMicros('2018-01-19 13:24:45.123456'), 1516368285123456);
    assert.equal(encodeTimestampMicros('1969-12-31 23:59:59.999999'), -1);
    assert.equal(encodeTimestampMicros('9999-12-31 23:59:59.999999'), 253402300799999999n);
    assert.equal(encodeTimestampMicros('0001-01-01 00:00:00'), -62135596800000000n);
  });
  it('NanoTimestamp is exact', () => {
    assert.equal(encodeTimestampNanos('2018-01-19 13:24:45.123456789'), 1516368285123456789n);
    assert.equal(encodeTimestampNanos('1970-01-01 00:00:00.000000042'), 42);
  });
  it('PostgreSQL infinity maps to the int64 extremes; garbage to null', () => {
    assert.equal(encodeTimestampMicros('infinity'), INT64_MAX);
    assert.equal(encodeTimestampMillis('-infinity'), INT64_MIN);
    assert.equal(encodeTimestampMillis('0000-00-00 00:00:00'), null);
  });
});

describe('io.debezium.time.ZonedTimestamp / ZonedTime', () => {
  it('prints ISO_OFFSET_DATE_TIME in UTC with minimal fraction', () => {
    assert.equal(encodeZonedTimestamp('2025-02-12 10:10:04'), '2025-02-12T10:10:04Z');
    assert.equal(encodeZonedTimestamp('2011-12-03 10:15:30.030431+01'), '2011-12-03T09:15:30.030431Z');
    assert.equal(encodeZonedTimestamp('2011-12-03 10:15:30.500000+00'), '2011-12-03T10:15:30.5Z');
    assert.equal(encodeZonedTimestamp('2020-01-01 00:30:00+01'), '2019-12-31T23:30:00Z');
    assert.equal(encodeZonedTimestamp('2020-01-01 00:00:00+05:30:15'), '2019-12-31T18:29:45Z');
  });
  it('fixed fractional width when asked', () => {
    assert.equal(encodeZonedTimestamp('2011-12-03 10:15:30+00', 3), '2011-12-03T10:15:30.000Z');
    assert.equal(encodeZonedTimestamp('2011-12-03 10:15:30.1234+00', 6), '2011-12-03T10:15:30.123400Z');
  });
  it('years outside 0000..9999 and BC', () => {
    assert.equal(encodeZonedTimestamp('0001-01-01 00:00:00+00 BC'), '0000-01-01T00:00:00Z');
    assert.equal(encodeZonedTimestamp('0002-06-01 12:00:00+00 BC'), '-0001-06-01T12:00:00Z');
    assert.equal(encodeZonedTimestamp('10000-01-01 00:00:00+00'), '+10000-01-01T00:00:00Z');
    assert.equal(encodeZonedTimestamp('infinity'), 'infinity');
  });
  it('from epoch millis', () => {
    assert.equal(zonedTimestampFromEpochMillis(1739355004000), '2025-02-12T10:10:04Z');
    assert.equal(zonedTimestampFromEpochMillis(-1, 500), '1969-12-31T23:59:59.9995Z');
  });
  it('ZonedTime normalises to UTC and wraps around midnight', () => {
    assert.equal(encodeZonedTime('10:15:30.5+02'), '08:15:30.5Z');
    assert.equal(encodeZonedTime('01:00:00+02'), '23:00:00Z');
    assert.equal(encodeZonedTime('10:15:30'), '10:15:30Z');
  });
});

describe('time.precision.mode', () => {
  it('adaptive picks by precision', () => {
    assert.equal(timeMapping('adaptive', 3).schema.name, 'io.debezium.time.Time');
    assert.equal(timeMapping('adaptive', 3).schema.type, 'int32');
    assert.equal(timeMapping('adaptive', 6).schema.name, 'io.debezium.time.MicroTime');
    assert.equal(timeMapping('adaptive', 9).schema.name, 'io.debezium.time.NanoTime');
    assert.equal(timestampMapping('adaptive', 0).schema.name, 'io.debezium.time.Timestamp');
    assert.equal(timestampMapping('adaptive', 4).schema.name, 'io.debezium.time.MicroTimestamp');
    assert.equal(timestampMapping('adaptive', 4).encode('1970-01-01 00:00:01.5'), 1500000);
  });
  it('adaptive_time_microseconds makes every TIME a MicroTime', () => {
    const m = timeMapping('adaptive_time_microseconds', 0);
    assert.equal(m.schema.name, 'io.debezium.time.MicroTime');
    assert.equal(m.encode('00:00:01'), 1000000);
  });
  it('connect uses Connect logical types in ms', () => {
    assert.deepEqual(dateMapping('connect').schema, { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Date', version: 1 });
    const t = timeMapping('connect', 6, { optional: true });
    assert.deepEqual(t.schema, { type: 'int32', optional: true, name: 'org.apache.kafka.connect.data.Time', version: 1 });
    assert.equal(t.encode('00:00:01.123456'), 1123);
    assert.equal(timestampMapping('connect', 6).schema.name, 'org.apache.kafka.connect.data.Timestamp');
  });
});

describe('MicroDuration / Interval', () => {
  it('parses PostgreSQL interval text', () => {
    assert.deepEqual(parsePostgresInterval('1 year 2 mons 3 days 04:05:06.789'),
      { years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: '06.789' });
    assert.deepEqual(parsePostgresInterval('-1 days +02:03:00'),
      { years: 0, months: 0, days: -1, hours: 2, minutes: 3, seconds: '00' });
    assert.equal(parsePostgresInterval('P1Y'), null);
  });
  it('MicroDuration uses 365.25/12 days per month', () => {
    assert.equal(intervalMicros(parsePostgresInterval('3 days')!), 259200000000);
    assert.equal(intervalMicros(parsePostgresInterval('1 mon')!), 2629800000000);
    assert.equal(intervalMicros(parsePostgresInterval('-00:00:01.5')!), -1500000);
    // int64 since Debezium 2.0: the fraction is added as whole microseconds, the sum truncated toward zero
    assert.equal(intervalMicros(parsePostgresInterval('1 mon 00:00:00.000001')!), 2629800000001);
    assert.equal(intervalMicros(parsePostgresInterval('-1 days -00:00:00.123456')!), -86400123456);
    assert.equal(intervalMicros(parsePostgresInterval('178000000 years')!), (1n << 63n) - 1n);
    assert.equal(Object.is(intervalMicros(parsePostgresInterval('00:00:00')!), 0), true);
  });
  it('Interval is ISO-8601 with stripped seconds', () => {
    assert.equal(intervalIsoString(parsePostgresInterval('1 year 2 mons 3 days 04:05:06.789')!), 'P1Y2M3DT4H5M6.789S');
    assert.equal(intervalIsoString(parsePostgresInterval('00:00:00')!), 'P0Y0M0DT0H0M0S');
    assert.equal(intervalIsoString(parsePostgresInterval('-00:00:01.1234567')!), 'P0Y0M0DT0H0M-1.123456S');
  });
});

describe('org.apache.kafka.connect.data.Decimal', () => {
  it('schema carries scale then connect.decimal.precision', () => {
    const s = decimalSchema(2, 10, { optional: true });
    assert.deepEqual(s, {
      type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1,
      parameters: { scale: '2', 'connect.decimal.precision': '10' },
    });
    assert.deepEqual(Object.keys(s.parameters!), ['scale', 'connect.decimal.precision']);
  });
  it('unscaled two\'s-complement bytes, minimal like BigInteger.toByteArray', () => {
    assert.equal(hex(encodeDecimal('0', 0)), '00');
    assert.equal(hex(encodeDecimal('0.00', 2)), '00');
    assert.equal(hex(encodeDecimal('-0.00', 2)), '00');
    assert.equal(hex(encodeDecimal('1.23', 2)), '7b');
    assert.equal(hex(encodeDecimal('-1.23', 2)), '85');
    assert.equal(hex(encodeDecimal('128', 0)), '0080');
    assert.equal(hex(encodeDecimal('-128', 0)), '80');
    assert.equal(hex(encodeDecimal('-129', 0)), 'ff7f');
    assert.equal(hex(encodeDecimal('1.5', 3)), '05dc', 'pads the scale');
    assert.equal(hex(encodeDecimal('+.5', 1)), '05');
    assert.equal(hex(encodeDecimal('1.5e3', 0)), '05dc');
  });
  it('exact at any precision (BigInt, no float rounding)', () => {
    assert.equal(hex(encodeDecimal('9223372036854775808', 0)), '008000000000000000');
    assert.equal(hex(encodeDecimal('-9223372036854775808', 0)), '8000000000000000');
    assert.equal(hex(encodeDecimal('99999999999999', 0)), hex(unscaledToBytes(99999999999999n)));
    assert.equal(hex(encodeDecimal('-999999999999999', 0)), hex(unscaledToBytes(-999999999999999n)));
    const big = '12345678901234567890123456789012345678901234567890123456789012345'; // 65 digits, MySQL max
    assert.equal(decodeDecimal(encodeDecimal(`-${big.slice(0, 35)}.${big.slice(35)}`, 30), 30), `-${big.slice(0, 35)}.${big.slice(35)}`);
    assert.equal(decodeDecimal(encodeDecimal('0.000000000000000000000000000001', 30), 30), '0.000000000000000000000000000001');
    for (let digits = 1; digits <= 40; digits++) {
      const s = '9'.repeat(digits);
      assert.equal(decodeDecimal(encodeDecimal(s, 0), 0), s);
      assert.equal(decodeDecimal(encodeDecimal('-' + s, 0), 0), '-' + s);
    }
  });
  it('refuses to round digits beyond the scale', () => {
    assert.throws(() => encodeDecimal('1.234', 2), (e: unknown) => e instanceof SchemaDataError && e.code === 'DATA_INVALID_VALUE' && !e.retriable);
    assert.equal(hex(encodeDecimal('1.230', 2)), '7b');
    assert.throws(() => encodeDecimal('abc', 2), SchemaDataError);
  });
  it('decimal.handling.mode double and string', () => {
    const d = decimalMapping('double', 10, 2, { optional: true });
    assert.deepEqual(d.schema, { type: 'float64', optional: true });
    assert.equal(d.encode('1.10'), 1.1);
    assert.equal(d.encode('NaN'), NaN);
    const s = decimalMapping('string', 10, 2);
    assert.deepEqual(s.schema, { type: 'string', optional: false });
    assert.equal(s.encode('1.5'), '1.50');
    assert.equal(s.encode('-0.00'), '0.00');
    assert.equal(s.encode('-12345678901234567890.1'), '-12345678901234567890.10');
    assert.equal(s.encode('NaN'), 'NaN');
    const p = decimalMapping('precise', 10, 2);
    assert.equal(p.schema.name, 'org.apache.kafka.connect.data.Decimal');
    assert.equal(hex(p.encode('-1.23') as Buffer), '85');
    assert.equal(p.encode('NaN'), null);
  });
  it('VariableScaleDecimal keeps the scale of the text', () => {
    assert.deepEqual(variableScaleDecimalSchema({ optional: true }), {
      type: 'struct', optional: true, name: 'io.debezium.data.VariableScaleDecimal', version: 1, doc: 'Variable scaled decimal',
      fields: [{ type: 'int32', optional: false, field: 'scale' }, { type: 'bytes', optional: false, field: 'value' }],
    });
    const v = encodeVariableScaleDecimal('-3.14159');
    assert.equal(v.scale, 5);
    assert.equal(decodeDecimal(v.value, 5), '-3.14159');
    assert.equal(encodeVariableScaleDecimal('42').scale, 0);
    assert.equal(decimalMapping('precise', undefined, undefined).schema.name, 'io.debezium.data.VariableScaleDecimal');
  });
});

describe('binary.handling.mode', () => {
  const data = Buffer.from([0xfb, 0xff, 0x00]);
  it('bytes, base64, URL-safe base64 with padding, lower-case hex', () => {
    assert.equal(binaryMapping('bytes').schema.type, 'bytes');
    assert.equal(binaryMapping('bytes').encode(data), data);
    assert.equal(binaryMapping('base64').encode(data), '+/8A');
    assert.equal(binaryMapping('base64').schema.type, 'string');
    assert.equal(binaryMapping('base64-url-safe').encode(Buffer.from([0xfb, 0xff])), '-_8=');
    assert.equal(binaryMapping('hex').encode(data), 'fbff00');
  });
});

describe('semantic data types', () => {
  it('Enum / EnumSet carry allowed values', () => {
    assert.deepEqual(enumSchema(['small', 'large'], { optional: true, default: 'small' }), {
      type: 'string', optional: true, name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'small,large' }, default: 'small',
    });
    assert.equal(enumSetSchema(['a', 'b']).name, 'io.debezium.data.EnumSet');
  });
  it('Bits: little-endian bytes with length parameter', () => {
    assert.deepEqual(bitsSchema(10).parameters, { length: '10' });
    assert.equal(hex(bitsFromBigEndian(Buffer.from([0x02, 0x01]), 2)), '0102');
    assert.equal(hex(bitsFromBigEndian(Buffer.from([0x05]), 2)), '0500');
    assert.equal(hex(bitsFromBitString('101')), '05');
    assert.equal(hex(bitsFromBitString('100000000')), '0001');
    assert.equal(hex(bitsFromBitString('000')), '');
    assert.equal(hex(bitsFromBitString('101', 2)), '0500');
  });
  it('Geometry / Point', () => {
    assert.deepEqual(geometrySchema().fields!.map((f) => [f.field, f.type, f.optional]), [['wkb', 'bytes', false], ['srid', 'int32', true]]);
    assert.equal(geometrySchema().doc, 'Geometry');
    assert.deepEqual(pointSchema().fields!.map((f) => f.field), ['x', 'y', 'wkb', 'srid']);
    const p = pointValue(1, 2);
    assert.equal(hex(p.wkb), '0101000000000000000000f03f0000000000000040');
    assert.equal(p.srid, null);
  });
});

describe('toInt64', () => {
  it('number when safe, bigint beyond', () => {
    assert.equal(toInt64('42'), 42);
    assert.equal(toInt64(-42n), -42);
    assert.equal(toInt64(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    assert.equal(toInt64('9007199254740992'), 9007199254740992n);
    assert.equal(toInt64('18446744073709551615'), 18446744073709551615n);
    assert.equal(toInt64('-9223372036854775808'), -9223372036854775808n);
  });
});
