import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord, RecordSink } from '../../../../../src/connect-api/index.js';
import { pino } from 'pino';
import {
  buildTableSchema, createStreamDispatcher, decodeOffset, encodeOffset, snapshotCompleted,
  type PgOffset, type ResumePoint, type TableResolver, type TableSchema,
} from '../../../../../src/connectors/postgres/index.js';
import type { Relation, StreamBatch, StreamMessage } from '../../../../../binlog/postgres/index.js';
import { DEFAULT_PG_MAPPING_OPTIONS } from '../../../../../schemas/postgres/index.js';
import { emptyProgress } from '../../../../../snapshot/index.js';
import { createChangeEmitter } from '../../../../../src/connectors/shared/change-emitter.js';

describe('PostgreSQL offsets', () => {
  it('round-trips streaming and snapshot offsets in Debezium\'s key names, LSNs as numbers', () => {
    const streaming: PgOffset = { lsn: 0x1_0000_0200n, lsnProc: 0x1_0000_0100n, lsnCommit: 0x1_0000_0300n, txId: 777, tsUsec: 1_700_000_000_000_000, snapshot: null };
    const enc = encodeOffset(streaming);
    assert.deepEqual(enc, { lsn: 4294967808, lsn_proc: 4294967552, lsn_commit: 4294968064, txId: 777, ts_usec: 1_700_000_000_000_000 });
    assert.deepEqual(decodeOffset(JSON.parse(JSON.stringify(enc))), streaming);
    const progress = emptyProgress();
    const snap: PgOffset = { lsn: 100n, lsnProc: 100n, lsnCommit: null, txId: null, tsUsec: 5, snapshot: { lastRecord: false, progress } };
    const back = decodeOffset(JSON.parse(JSON.stringify(encodeOffset(snap))))!;
    assert.deepEqual(back, snap);
    assert.equal(snapshotCompleted(back), false);
    assert.equal(snapshotCompleted({ ...snap, snapshot: { lastRecord: true, progress } }), true);
    assert.equal(snapshotCompleted(streaming), true);
  });

  it('reads offsets as Debezium writes them and ignores unusable ones', () => {
    const o = decodeOffset({ transaction_id: null, lsn_proc: 24023928, messageType: 'INSERT', lsn: 24023928, txId: 555, ts_usec: 1559033904863619 })!;
    assert.deepEqual([o.lsn, o.lsnProc, o.lsnCommit, o.txId, o.snapshot], [24023928n, 24023928n, null, 555, null]);
    const s = decodeOffset({ last_snapshot_record: true, lsn: 22910216, txId: 556, ts_usec: 1559033904863619, snapshot: true })!;
    assert.equal(snapshotCompleted(s), true);
    assert.equal(decodeOffset({}), null);
    assert.equal(decodeOffset(null), null);
  });
});

const relation: Relation = {
  oid: 16400, schema: 'public', table: 't', replicaIdentity: 'default',
  columns: [{ name: 'id', isKey: true, typeOid: 23, typeMod: -1 }, { name: 'v', isKey: false, typeOid: 25, typeMod: -1 }],
};

function fakeTables(): TableResolver {
  const schema: TableSchema = buildTableSchema({
    topicPrefix: 'srv', schema: 'public', table: 't', keyColumns: ['id'], mapping: DEFAULT_PG_MAPPING_OPTIONS,
    columns: [
      { name: 'id', type: { oid: 23, name: 'int4', kind: 'b' }, typeMod: -1, optional: false, included: true },
      { name: 'v', type: { oid: 25, name: 'text', kind: 'b' }, typeMod: -1, optional: true, included: true },
    ],
  });
  return { forSnapshot: async () => schema, forRelation: async () => schema, byOid: (oid) => (oid === relation.oid ? schema : undefined) };
}

function sinkOf(): RecordSink & { batches: ChangeRecord[][] } {
  const batches: ChangeRecord[][] = [];
  return { batches, send: async (r) => { batches.push([...r]); }, flush: async () => {}, commitOffset: async () => {} };
}

/** A batch from [message, lsn] pairs. */
const batch = (...items: Array<[StreamMessage, bigint]>): StreamBatch => ({ messages: items.map((i) => i[0]), lsns: items.map((i) => i[1]), bytes: 0 });
const begin = (finalLsn: bigint, xid: number): [StreamMessage, bigint] => [{ tag: 'begin', finalLsn, commitTimeMicros: 1_700_000_000_000_000, xid }, finalLsn - 0x50n];
const commit = (commitLsn: bigint, endLsn: bigint): [StreamMessage, bigint] => [{ tag: 'commit', commitLsn, endLsn, commitTimeMicros: 1_700_000_000_000_000 }, endLsn];
const ins = (id: number, lsn: bigint): [StreamMessage, bigint] => [{ tag: 'insert', relation, after: [String(id), `v${id}`] }, lsn];

function dispatcher(resume: ResumePoint, heartbeatIntervalMs = 0, clock = { ms: 1000 }) {
  const sink = sinkOf();
  const d = createStreamDispatcher({
    sink, tables: fakeTables(), topicPrefix: 'srv', database: 'db', emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }),
    resume, heartbeatIntervalMs, heartbeatTopic: '__debezium-heartbeat.srv', logger: pino({ level: 'silent' }), now: () => clock.ms,
  });
  return { d, sink };
}
const ids = (records: ChangeRecord[]) => records.map((r) => (r.value as { after: { id: number } } | null)?.after?.id ?? null);

describe('PostgreSQL stream dispatcher', () => {
  it('puts the flush position (end of the last whole transaction) and the cut transaction into the offset', async () => {
    const { d, sink } = dispatcher({ flushLsn: 0x100n, commitLsn: null, lsn: 0x100n });
    await d.handle(batch(begin(0x200n, 1), ins(1, 0x180n), ins(2, 0x190n), commit(0x200n, 0x210n), begin(0x400n, 2), ins(3, 0x300n)));
    const last = sink.batches[0]!.at(-1)!;
    assert.deepEqual(last.partition, { server: 'srv' });
    assert.deepEqual(last.offset, { lsn: 0x300, lsn_proc: 0x210, lsn_commit: 0x400, txId: 2, ts_usec: 1_700_000_000_000_000 });
    assert.deepEqual(sink.batches[0]!.slice(0, -1).map((r) => r.offset), [undefined, undefined], 'only the last record of a chunk carries the offset');
    assert.deepEqual(d.position(), { flushLsn: 0x210n, commitLsn: 0x400n, lsn: 0x300n });
  });

  it('after a restart skips what the offset covers: older transactions, and the cut one up to its last event', async () => {
    const { d, sink } = dispatcher({ flushLsn: 0x210n, commitLsn: 0x400n, lsn: 0x300n });
    await d.handle(batch(
      begin(0x200n, 1), ins(1, 0x180n), commit(0x200n, 0x210n),
      begin(0x400n, 2), ins(3, 0x300n), ins(4, 0x310n), commit(0x400n, 0x410n),
      begin(0x500n, 3), ins(5, 0x450n), commit(0x500n, 0x510n),
    ));
    assert.deepEqual(ids(sink.batches.flat()), [4, 5]);
    assert.equal(sink.batches.flat().at(-1)!.offset!.lsn_proc, 0x510);
  });

  it('moves the flush position to a keepalive only between transactions, and sends heartbeats then', async () => {
    const clock = { ms: 1000 };
    const { d, sink } = dispatcher({ flushLsn: 0x100n, commitLsn: null, lsn: 0x100n }, 50, clock);
    clock.ms += 50;
    await d.handle(batch(begin(0x200n, 1), ins(1, 0x180n), [{ tag: 'keepalive', walEnd: 0x900n }, 0x900n]));
    assert.equal(sink.batches[0]!.at(-1)!.offset!.lsn_proc, 0x100, 'inside a transaction a keepalive proves nothing');
    await d.handle(batch(commit(0x200n, 0x210n), [{ tag: 'keepalive', walEnd: 0x900n }, 0x900n]));
    const hb = sink.batches.at(-1)!.at(-1)!;
    assert.equal(hb.topic, '__debezium-heartbeat.srv');
    assert.deepEqual(hb.key, { serverName: 'srv' });
    assert.equal(hb.offset!.lsn_proc, 0x900);
  });

  it('turns a primary-key change into delete, tombstone and create', async () => {
    const { d, sink } = dispatcher({ flushLsn: 0x100n, commitLsn: null, lsn: 0x100n });
    await d.handle(batch(begin(0x200n, 1),
      [{ tag: 'update', relation, before: ['1', null], beforeIsKey: true, after: ['2', 'x'] }, 0x180n],
      commit(0x200n, 0x210n)));
    const recs = sink.batches.flat();
    assert.deepEqual(recs.map((r) => [r.key, (r.value as { op: string } | null)?.op ?? null]), [[{ id: 1 }, 'd'], [{ id: 1 }, null], [{ id: 2 }, 'c']]);
  });
});
