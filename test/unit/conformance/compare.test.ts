/**
 * The conformance diff (test/conformance/compare.ts) without services: paths, schema fields by name, alignment
 * around a missing record, the ignore list, run-independent positions, exact int64 JSON.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonExact, stringifyJsonExact, type CapturedRecord } from '../../conformance/capture.js';
import { category, compareRecords, fullPath, relativePositions } from '../../conformance/compare.js';

const schema = (fields: Array<Record<string, unknown>>) => ({ type: 'struct', fields: [{ field: 'after', type: 'struct', optional: true, fields }] });

function rec(topic: string, id: number, extra: { fields?: Array<Record<string, unknown>>; source?: Record<string, unknown>; headers?: Record<string, unknown>; op?: string } = {}): CapturedRecord {
  return {
    topic,
    key: { schema: { type: 'struct' }, payload: { id } },
    value: {
      schema: schema(extra.fields ?? [{ field: 'id', type: 'int32', optional: false }]),
      payload: { op: extra.op ?? 'c', after: { id }, source: extra.source ?? {}, ts_ms: Date.now() + id },
    },
    headers: extra.headers ?? {},
  };
}

describe('conformance compare', () => {
  it('names schema fields by name and reports a missing default with its full path', () => {
    const golden = [rec('golden.db.wide', 1, { fields: [{ field: 'id', type: 'int32', optional: false }, { field: 'price', type: 'int32', optional: true, default: 7 }] })];
    const ours = [rec('golden.db.wide', 1, { fields: [{ field: 'id', type: 'int32', optional: false }, { field: 'price', type: 'int32', optional: true }] })];
    const diffs = compareRecords('mariadb', golden, ours);
    assert.deepEqual(diffs.map(fullPath), ['golden.db.wide[0].value.schema.fields[after].fields[price].default']);
    assert.equal(diffs[0]!.expected, 7);
    assert.equal(category(diffs[0]!), 'column default missing/different in the schema');
  });

  it('reports field order separately from field contents', () => {
    const a = [{ field: 'id', type: 'int32', optional: false }, { field: 'b', type: 'string', optional: true }];
    const diffs = compareRecords('postgres', [rec('golden.public.t', 1, { fields: a })], [rec('golden.public.t', 1, { fields: [...a].reverse() })]);
    assert.deepEqual(diffs.map(fullPath), ['golden.public.t[0].value.schema.fields[after].fields(field order)']);
  });

  it('aligns around a missing tombstone instead of shifting every later record', () => {
    const tomb: CapturedRecord = { topic: 'golden.public.t', key: null, value: null, headers: {} };
    const golden = [rec('golden.public.t', 1), tomb, rec('golden.public.t', 2)];
    const ours = [rec('golden.public.t', 1), rec('golden.public.t', 2)];
    const diffs = compareRecords('postgres', golden, ours);
    assert.deepEqual(diffs.map(fullPath), ['golden.public.t[-1].(record count)', 'golden.public.t[1].(missing record)']);
  });

  it('ignores the known differences (timestamps, runId header) but not other headers', () => {
    const golden = [rec('golden.public.t', 1, { headers: { '__debezium.context.runId': 'a', '__debezium.oldkey': { id: 0 } } })];
    const ours = [rec('golden.public.t', 1, { headers: { '__debezium.context.runId': 'b' } })];
    assert.deepEqual(compareRecords('postgres', golden, ours).map((d) => d.path), ['headers.__debezium.oldkey']);
  });

  it('compares MariaDB binlog positions and GTIDs as distances from the sentinel row', () => {
    const run = (base: number, gtid: number, rowOffset: number) => [
      rec('golden.conformance.wide', 10, { source: { pos: base + rowOffset, gtid: `0-1-${gtid}`, file: `f${base}` } }),
      rec('golden.conformance.small', 9999, { source: { pos: base + 5000, gtid: `0-1-${gtid + 3}`, file: `f${base}` } }),
    ];
    assert.deepEqual(compareRecords('mariadb', run(1000, 40, 0), run(9000, 90, 0)), []);
    const moved = compareRecords('mariadb', run(1000, 40, 0), run(9000, 90, 200));
    assert.deepEqual(moved.map((d) => [d.path, d.expected, d.actual]), [['value.payload.source.pos', '@-5000', '@-4800']]);
    assert.equal((relativePositions('mariadb', run(1000, 40, 0))[0]!.value as any).payload.source.gtid, '0-1-@-3');
  });

  it('compares PostgreSQL LSNs and txIds by rank: gaps (autovacuum, WAL noise) do not show, a different order or sharing does', () => {
    const run = (lsn: number, tx: number, gap: number, secondTx = tx + 1 + gap) => [
      rec('golden.public.wide', 10, { source: { lsn, txId: tx, sequence: JSON.stringify([null, String(lsn)]) } }),
      rec('golden.public.small', 9999, { source: { lsn: lsn + 100 + gap, txId: secondTx, sequence: JSON.stringify([String(lsn), String(lsn + 100 + gap)]) } }),
    ];
    assert.deepEqual(compareRecords('postgres', run(5000, 700, 0), run(80000, 900, 24)), []);
    const r = relativePositions('postgres', run(5000, 700, 0));
    assert.deepEqual((r[1]!.value as any).payload.source, { lsn: 'L1', txId: 'T1', sequence: '["L0","L1"]' });
    const shared = compareRecords('postgres', run(5000, 700, 0), run(80000, 900, 11, 900));
    assert.deepEqual(shared.map((d) => [d.path, d.expected, d.actual]), [['value.payload.source.txId', 'T1', 'T0']]);
  });

  it('keeps int64 values exact through JSON', () => {
    const text = '{"a":-9223372036854775808,"b":1.5,"c":42}';
    const parsed = parseJsonExact(text) as Record<string, unknown>;
    assert.equal(parsed.a, -9223372036854775808n);
    assert.equal(stringifyJsonExact(parsed), text);
  });
});
