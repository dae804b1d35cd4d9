import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { field, int64, microTimestampSchema, string, struct, timestampSchema } from '../../../../../schemas/index.js';
import { compileDatePattern, formatDate, parseDate, type DatePattern } from '../../../../../src/transforms/kafka/java-date-format.js';
import { change, configErrors, configure, customers, run, schemaless, tombstone, transformation } from './fixtures.js';

const pattern = (p: string) => compileDatePattern(p) as DatePattern;
// 2024-01-31T11:20:00.123Z, a Wednesday
const T = 1_706_700_000_123;

describe('SimpleDateFormat patterns', () => {
  it('formats the common letters in UTC', () => {
    assert.equal(formatDate(pattern('yyyy-MM-dd HH:mm:ss.SSS'), T), '2024-01-31 11:20:00.123');
    assert.equal(formatDate(pattern("yyyyMMdd'T'HHmm"), T), '20240131T1120');
    assert.equal(formatDate(pattern("EEE, d MMM yy h:mm a z"), T), 'Wed, 31 Jan 24 11:20 AM UTC');
    assert.equal(formatDate(pattern("EEEE MMMM D 'day' ''Z'' XXX"), T), "Wednesday January 31 day '+0000' Z");
    assert.equal(formatDate(pattern('w W F u k K S'), T), '5 5 5 3 11 11 123');
    assert.equal(formatDate(pattern('Y-w'), Date.UTC(2024, 11, 31)), '2025-1', 'the week holding January 1 is week 1 of the next year');
  });

  it('refuses letters Java does not know and unterminated quotes', () => {
    assert.deepEqual(compileDatePattern('yyyy-MM-dd bb'), { error: "Illegal pattern character 'b'" });
    assert.deepEqual(compileDatePattern("yyyy 'x"), { error: 'Unterminated quote' });
  });

  it('parses leniently like Java: abutting fields, two-digit years, names, zones, trailing text', () => {
    assert.equal(parseDate(pattern('yyyyMMddHHmmss'), '20240131112000'), Date.UTC(2024, 0, 31, 11, 20));
    assert.equal(parseDate(pattern('yyyy-MM-dd'), '2024-02-30'), Date.UTC(2024, 2, 1), 'day 30 of February rolls over');
    assert.equal(parseDate(pattern('dd MMM yy'), '05 mar 24', new Date(Date.UTC(2025, 0, 1))), Date.UTC(2024, 2, 5));
    assert.equal(parseDate(pattern('dd MMM yy'), '05 Mar 60', new Date(Date.UTC(2025, 0, 1))), Date.UTC(1960, 2, 5));
    assert.equal(parseDate(pattern('yyyy-MM-dd HH:mm Z'), '2024-01-31 12:20 +0100'), Date.UTC(2024, 0, 31, 11, 20));
    assert.equal(parseDate(pattern("yyyy-MM-dd'T'HH:mm:ssXXX"), '2024-01-31T11:20:00Z'), Date.UTC(2024, 0, 31, 11, 20));
    assert.equal(parseDate(pattern('h:mm a'), '12:05 PM'), Date.UTC(1970, 0, 1, 12, 5));
    assert.equal(parseDate(pattern('yyyy-MM-dd'), '2024-01-31 and more'), Date.UTC(2024, 0, 31));
    assert.equal(parseDate(pattern('yyyy-MM-dd'), 'Jan 31'), undefined);
    assert.deepEqual(parseDate(pattern('YYYY-ww'), '2024-05'), { unsupported: 'Y' });
  });
});

describe('TimestampRouter', () => {
  it('routes by topic and timestamp with the default formats', () => {
    const out = run(configure('TimestampRouter'), change('c', 1, { timestamp: T }));
    assert.equal(out.topic, 'dbserver1.inventory.customers-20240131');
  });

  it('uses the current time for a record without timestamp (what the producer will stamp)', () => {
    const t = configure('TimestampRouter', { 'topic.format': '${timestamp}/${topic}', 'timestamp.format': 'yyyy' });
    const before = new Date().getUTCFullYear();
    const topic = run(t, change('c', 1)).topic;
    assert.ok(topic === `${before}/dbserver1.inventory.customers` || topic === `${before + 1}/dbserver1.inventory.customers`, topic);
  });

  it('refuses a bad timestamp.format', () => {
    assert.match(configErrors(transformation('TimestampRouter'), { 'timestamp.format': 'yyyy-qq' })['timestamp.format']![0]!, /Illegal pattern character 'q'/);
  });
});

describe('TimestampConverter', () => {
  const rowRecord = (updatedAt: number | null) => ({
    topic: 't', keySchema: null, key: null, valueSchema: customers.row,
    value: { id: 1, first_name: 'a', email: null, status: null, born: 19_753, updated_at: updatedAt },
  });

  it('converts a Connect Timestamp field to a formatted string', () => {
    const t = configure('TimestampConverter$Value', { field: 'updated_at', 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSS" });
    const out = run(t, rowRecord(T));
    assert.equal((out.value as Record<string, unknown>)['updated_at'], '2024-01-31T11:20:00.123');
    const f = out.valueSchema!.fields!.find((x) => x.field === 'updated_at')!;
    assert.deepEqual(f, { type: 'string', optional: true, field: 'updated_at' });
    assert.equal(out.valueSchema!.name, 'dbserver1.inventory.customers.Value');
    assert.equal(run(t, rowRecord(null)).valueSchema, out.valueSchema);
    assert.equal((run(t, rowRecord(null)).value as Record<string, unknown>)['updated_at'], null);
  });

  it('converts a Connect Date to unix seconds and a string to a Timestamp', () => {
    const toUnix = configure('TimestampConverter$Value', { field: 'born', 'target.type': 'unix', 'unix.precision': 'seconds' });
    assert.equal((run(toUnix, rowRecord(null)).value as Record<string, unknown>)['born'], 19_753 * 86_400);
    const s = struct([field('at', string())]);
    const toTs = configure('TimestampConverter$Value', { field: 'at', 'target.type': 'Timestamp', format: 'yyyy-MM-dd HH:mm' });
    const out = run(toTs, { topic: 't', keySchema: null, key: null, valueSchema: s, value: { at: '2024-01-31 11:20' } });
    assert.equal((out.value as Record<string, unknown>)['at'], Date.UTC(2024, 0, 31, 11, 20));
    assert.equal(out.valueSchema!.fields![0]!.name, 'org.apache.kafka.connect.data.Timestamp');
    assert.throws(() => toTs.apply({ topic: 't', keySchema: null, key: null, valueSchema: s, value: { at: 'yesterday' } }),
      /TimestampConverter\$Value: Could not parse timestamp: value \(yesterday\) does not match pattern \(yyyy-MM-dd HH:mm\)/);
  });

  it("reads Debezium's int64 timestamps as unix time in the configured precision", () => {
    const s = struct([field('ms', timestampSchema()), field('us', microTimestampSchema())]);
    const record = { topic: 't', keySchema: null, key: null, valueSchema: s, value: { ms: T, us: T * 1000 + 456 } };
    const date = configure('TimestampConverter$Value', { field: 'us', 'target.type': 'Date', 'unix.precision': 'microseconds' });
    assert.equal((run(date, record).value as Record<string, unknown>)['us'], 19_753);
    // unix.precision applies both ways: an int64 input is read in it too.
    const nanos = configure('TimestampConverter$Value', { field: 'ms', 'target.type': 'unix', 'unix.precision': 'nanoseconds' });
    assert.equal((run(nanos, record).value as Record<string, unknown>)['ms'], Math.trunc(T / 1e6) * 1e6);
    const fromConnect = configure('TimestampConverter$Value', { field: 'updated_at', 'target.type': 'unix', 'unix.precision': 'nanoseconds' });
    assert.equal((run(fromConnect, rowRecord(T)).value as Record<string, unknown>)['updated_at'], BigInt(T) * 1_000_000n, 'beyond 2^53: a bigint');
    const time = configure('TimestampConverter$Value', { field: 'ms', 'target.type': 'Time' });
    assert.equal((run(time, record).value as Record<string, unknown>)['ms'], (11 * 3600 + 20 * 60) * 1000 + 123);
  });

  it('converts a whole value, and schemaless values by their type', () => {
    const t = configure('TimestampConverter$Value', { 'target.type': 'string', format: 'yyyy' });
    const out = run(t, { topic: 't', keySchema: null, key: null, valueSchema: int64({ optional: true }), value: T });
    assert.equal(out.value, '2024');
    assert.deepEqual(out.valueSchema, { type: 'string', optional: true });
    assert.equal(run(t, schemaless(T)).value, '2024');
    const ts = configure('TimestampConverter$Value', { field: 'at', 'target.type': 'Timestamp', format: 'yyyy-MM-dd' });
    assert.deepEqual(run(ts, schemaless({ at: '2024-01-31' })).value, { at: new Date(Date.UTC(2024, 0, 31)) });
  });

  it('leaves records without the field alone, passes tombstones, fails unknown timestamp schemas', () => {
    const t = configure('TimestampConverter$Value', { field: 'updated_at', 'target.type': 'unix' });
    const record = change('c', 1);
    assert.equal(t.apply(record), record, 'the envelope has no top-level updated_at');
    const tomb = tombstone(1);
    assert.equal(t.apply(tomb), tomb);
    const bad = configure('TimestampConverter$Value', { field: 'first_name', 'target.type': 'Date' });
    assert.throws(() => bad.apply(rowRecord(T)), /Could not parse|format option/);
    const noKind = configure('TimestampConverter$Value', { field: 'id', 'target.type': 'Date' });
    assert.throws(() => noKind.apply(rowRecord(T)), /Schema int32 does not correspond to a known timestamp type format/);
  });

  it('refuses a string target without format, unknown types and bad patterns', () => {
    const plugin = transformation('TimestampConverter$Value');
    assert.deepEqual(configErrors(plugin, { 'target.type': 'string' }), { format: ['TimestampConverter requires format option to be specified when using string timestamps'] });
    assert.match(configErrors(plugin, { 'target.type': 'epoch' })['target.type']![0]!, /string, unix, Date, Time, Timestamp/);
    assert.match(configErrors(plugin, { 'target.type': 'unix', format: 'yyyy-MM-ddTHH' })['format']![0]!, /Illegal pattern character 'T'/);
    assert.match(configErrors(plugin, { 'target.type': 'unix', 'unix.precision': 'hours' })['unix.precision']![0]!, /seconds/);
  });
});
