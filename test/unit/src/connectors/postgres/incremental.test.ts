/** PostgreSQL ad-hoc snapshots, pure parts: the incremental context in offsets, and the dispatcher's hooks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { ChangeRecord, RecordSink } from '../../../../../src/connect-api/index.js';
import {
  buildTableSchema, createStreamDispatcher, decodeOffset, encodeOffset, parseSignalTable,
  type IncrementalStreamHooks, type PgOffset, type TableResolver, type TableSchema,
} from '../../../../../src/connectors/postgres/index.js';
import type { Relation, StreamBatch, StreamMessage } from '../../../../../binlog/postgres/index.js';
import { DEFAULT_PG_MAPPING_OPTIONS } from '../../../../../schemas/postgres/index.js';
import { createChangeEmitter } from '../../../../../src/connectors/shared/change-emitter.js';

describe('PostgreSQL offsets with an ad-hoc snapshot', () => {
  const base: PgOffset = { lsn: 0x300n, lsnProc: 0x210n, lsnCommit: 0x400n, txId: 7, tsUsec: 1_700_000_000_000_000, snapshot: null };
  const context = {
    incremental_snapshot_collections: JSON.stringify([{ table: 'public.items', condition: 'id > 10' }]),
    incremental_snapshot_primary_key: JSON.stringify([42]),
    incremental_snapshot_maximum_key: JSON.stringify(['z"q']),
    incremental_snapshot_id: 'abc',
  };

  it('merges the incremental context into the stream offset under Debezium\'s keys and round-trips it through JSON', () => {
    const withCtx: PgOffset = { ...base, incremental: context };
    const enc = encodeOffset(withCtx);
    assert.deepEqual(enc, { lsn: 0x300, lsn_proc: 0x210, lsn_commit: 0x400, txId: 7, ts_usec: 1_700_000_000_000_000, ...context });
    assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(enc))), withCtx);
  });

  it('carries no incremental keys when none runs, and decodes such offsets exactly as before', () => {
    for (const incremental of [null, {}, undefined]) {
      const enc = encodeOffset({ ...base, incremental });
      assert.equal(Object.keys(enc).some((k) => k.startsWith('incremental_')), false);
      assert.deepEqual(decodeOffset(enc), base);
    }
  });

  it('keeps only incremental_snapshot_* string fields', () => {
    const enc = encodeOffset({ ...base, incremental: { ...context, other: 'x' } });
    assert.equal('other' in enc, false);
    const dec = decodeOffset({ ...enc, incremental_snapshot_primary_key: 5 })!;
    assert.equal(dec.incremental?.incremental_snapshot_primary_key, undefined);
    assert.equal(dec.incremental?.incremental_snapshot_collections, context.incremental_snapshot_collections);
  });
});

describe('signal.data.collection', () => {
  it('names a table as schema.table', () => {
    assert.equal(parseSignalTable(null), null);
    assert.deepEqual(parseSignalTable('public.debezium_signal'), { schema: 'public', table: 'debezium_signal', name: 'public.debezium_signal', sql: '"public"."debezium_signal"' });
    assert.throws(() => parseSignalTable('debezium_signal'), /<schema>\.<table>/);
    assert.throws(() => parseSignalTable('a.b.c'), /<schema>\.<table>/);
  });
});

const items: Relation = {
  oid: 16400, schema: 'public', table: 'items', replicaIdentity: 'default',
  columns: [{ name: 'v', isKey: false, typeOid: 25, typeMod: -1 }, { name: 'id', isKey: true, typeOid: 23, typeMod: -1 }],
};
const signals: Relation = {
  oid: 16500, schema: 'public', table: 'dbz_signal', replicaIdentity: 'default',
  columns: [{ name: 'id', isKey: true, typeOid: 1043, typeMod: 46 }, { name: 'type', isKey: false, typeOid: 1043, typeMod: 36 }, { name: 'data', isKey: false, typeOid: 1043, typeMod: 2052 }],
};
const schema: TableSchema = buildTableSchema({
  topicPrefix: 'srv', schema: 'public', table: 'items', keyColumns: ['id'], mapping: DEFAULT_PG_MAPPING_OPTIONS,
  columns: [
    { name: 'v', type: { oid: 25, name: 'text', kind: 'b' }, typeMod: -1, optional: true, included: true },
    { name: 'id', type: { oid: 23, name: 'int4', kind: 'b' }, typeMod: -1, optional: false, included: true },
  ],
});
const tables: TableResolver = {
  forSnapshot: async () => schema,
  forRelation: async (rel) => (rel.oid === items.oid ? schema : null),
  byOid: (oid) => (oid === items.oid ? schema : oid === signals.oid ? null : undefined),
};

function fakeHooks() {
  const calls: string[] = [];
  let fields: Record<string, string> = {};
  const hooks: IncrementalStreamHooks = {
    signalTable: parseSignalTable('public.dbz_signal')!,
    async onSignalRow(id, type, data) {
      calls.push(`signal ${id} ${type} ${data}`);
      if (type === 'snapshot-window-close') fields = { incremental_snapshot_primary_key: '["9"]' };
    },
    activeTable: () => 'public.items',
    keyColumns: (t) => (t === 'public.items' ? ['id'] : null),
    onChange: (t, key) => calls.push(`change ${t} ${JSON.stringify(key)}`),
    onTruncate: (t) => calls.push(`truncate ${t}`),
    onRelation: async (rel) => { calls.push(`relation ${rel.table}`); },
    async takeRecords(source, nowMs) {
      return ['8', '9'].map((id) => ({
        topic: schema.topic, keySchema: schema.keySchema, key: { id: Number(id) }, valueSchema: schema.envelope,
        value: { op: 'r', after: { id: Number(id), v: 'snap' }, source: source(schema), ts_ms: nowMs },
      }));
    },
    offsetFields: () => fields,
  };
  return { hooks, calls };
}

const batch = (...items: Array<[StreamMessage, bigint]>): StreamBatch => ({ messages: items.map((i) => i[0]), lsns: items.map((i) => i[1]), bytes: 0 });
const begin = (finalLsn: bigint, xid: number): [StreamMessage, bigint] => [{ tag: 'begin', finalLsn, commitTimeMicros: 1_700_000_000_000_000, xid }, finalLsn - 0x50n];
const commit = (commitLsn: bigint, endLsn: bigint): [StreamMessage, bigint] => [{ tag: 'commit', commitLsn, endLsn, commitTimeMicros: 1_700_000_000_000_000 }, endLsn];
const signal = (id: string, type: string, lsn: bigint): [StreamMessage, bigint] => [{ tag: 'insert', relation: signals, after: [id, type, '{}'] }, lsn];

describe('PostgreSQL stream dispatcher with ad-hoc snapshots', () => {
  it('feeds signal rows and key changes to the hooks in stream order, emits chunk rows at the close watermark, never the signal table', async () => {
    const sent: ChangeRecord[][] = [];
    const sink: RecordSink = { send: async (r) => { sent.push([...r]); }, flush: async () => {}, commitOffset: async () => {} };
    const { hooks, calls } = fakeHooks();
    const d = createStreamDispatcher({
      sink, tables, topicPrefix: 'srv', database: 'db', emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }),
      resume: { flushLsn: 0x100n, commitLsn: null, lsn: 0x100n }, heartbeatIntervalMs: 0, heartbeatTopic: 'hb', logger: pino({ level: 'silent' }),
      incremental: hooks,
    });
    await d.handle(batch(
      [{ tag: 'relation', relation: signals }, 0x110n], [{ tag: 'relation', relation: items }, 0x110n],
      begin(0x200n, 1), signal('c1-open', 'snapshot-window-open', 0x150n), commit(0x200n, 0x210n),
      begin(0x300n, 2),
      [{ tag: 'update', relation: items, before: [null, '3'], beforeIsKey: true, after: ['x', '4'] }, 0x250n],
      [{ tag: 'delete', relation: items, before: [null, '5'], beforeIsKey: true }, 0x260n],
      [{ tag: 'update', relation: signals, before: null, beforeIsKey: false, after: ['c1-open', 'snapshot-window-open', '{}'] }, 0x270n],
      [{ tag: 'truncate', relations: [items, signals], cascade: false, restartIdentity: false }, 0x280n],
      commit(0x300n, 0x310n),
      begin(0x400n, 3), signal('c1-close', 'snapshot-window-close', 0x350n), commit(0x400n, 0x410n),
    ));
    assert.deepEqual(calls, [
      'relation items',
      'signal c1-open snapshot-window-open {}',
      'change public.items ["3"]', 'change public.items ["4"]',
      'change public.items ["5"]',
      'truncate public.items',
      'signal c1-close snapshot-window-close {}',
    ]);
    const records = sent.flat();
    assert.equal(records.some((r) => r.topic.includes('dbz_signal')), false, 'nothing of the signal table is emitted');
    const reads = records.filter((r) => (r.value as { op?: string } | null)?.op === 'r');
    assert.deepEqual(reads.map((r) => r.key), [{ id: 8 }, { id: 9 }]);
    const src = (reads[0]!.value as { source: { snapshot: string; lsn: number; txId: number } }).source;
    assert.deepEqual([src.snapshot, src.lsn, src.txId], ['incremental', 0x350, 3]);
    assert.equal(reads.at(-1), records.at(-1), 'the chunk ends the batch');
    assert.deepEqual(records.at(-1)!.offset, {
      lsn: 0x350, lsn_proc: 0x410, lsn_commit: 0x400, txId: 3, ts_usec: 1_700_000_000_000_000, incremental_snapshot_primary_key: '["9"]',
    }, 'the last chunk record carries the updated context');
  });

  it('does not hand replayed signal rows to the hooks (the committed offset already covers them)', async () => {
    const { hooks, calls } = fakeHooks();
    const d = createStreamDispatcher({
      sink: { send: async () => {}, flush: async () => {}, commitOffset: async () => {} }, tables, topicPrefix: 'srv', database: 'db', emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }),
      resume: { flushLsn: 0x210n, commitLsn: 0x400n, lsn: 0x350n }, heartbeatIntervalMs: 0, heartbeatTopic: 'hb', logger: pino({ level: 'silent' }),
      incremental: hooks,
    });
    await d.handle(batch(
      [{ tag: 'relation', relation: signals }, 0x110n],
      begin(0x200n, 1), signal('old-open', 'snapshot-window-open', 0x150n), commit(0x200n, 0x210n),
      begin(0x400n, 3), signal('old-close', 'snapshot-window-close', 0x350n), signal('x', 'execute-snapshot', 0x360n), commit(0x400n, 0x410n),
    ));
    assert.deepEqual(calls, ['signal x execute-snapshot {}']);
  });
});
