/**
 * The PostgreSQL stream dispatcher against hand-built pgoutput messages: Debezium envelopes per change,
 * replica identities, tombstones, primary-key changes, truncates, filtered tables, relation (schema) changes,
 * the offsets records carry and what a restart from them skips (Debezium's lsn/lsn_proc/lsn_commit rules),
 * keepalives and heartbeats, the signal table, and batches that fail part-way. Table schemas are built by the
 * real `buildTableSchema`; the catalog look-ups of the table resolver are an in-memory fake.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { decodeOffset, encodeOffset } from '../../../../../src/connectors/postgres/offsets.js';
import type { IncrementalStreamHooks } from '../../../../../src/connectors/postgres/incremental.js';
import { parseSignalTable } from '../../../../../src/connectors/postgres/signal-table.js';
import {
  createStreamDispatcher, type ResumePoint, type StreamDispatcherOptions,
} from '../../../../../src/connectors/postgres/stream-dispatcher.js';
import { buildTableSchema, type TableSchema } from '../../../../../src/connectors/postgres/table-schema.js';
import type { TableResolver } from '../../../../../src/connectors/postgres/tables.js';
import { TransientError } from '../../../../../src/errors/index.js';
import type { Relation, StreamBatch, StreamMessage, TupleValues } from '../../../../../binlog/postgres/index.js';
import { DEFAULT_PG_MAPPING_OPTIONS, type PgType } from '../../../../../schemas/postgres/index.js';
import { capturingSink } from '../../../fakes/record-sink.js';
import { createChangeEmitter } from '../../../../../src/connectors/shared/change-emitter.js';

const logger = pino({ level: 'silent' });
const TYPES: Record<number, PgType> = { 23: { oid: 23, name: 'int4', kind: 'b' }, 25: { oid: 25, name: 'text', kind: 'b' } };

function relation(oid: number, table: string, columns: Array<[name: string, typeOid: number, isKey: boolean]>, replicaIdentity: Relation['replicaIdentity'] = 'default'): Relation {
  return { oid, schema: 'public', table, replicaIdentity, columns: columns.map(([name, typeOid, isKey]) => ({ name, typeOid, isKey, typeMod: -1 })) };
}

const customers = relation(16385, 'customers', [['id', 23, true], ['name', 25, false]]);
const orders = relation(16390, 'orders', [['id', 23, true], ['total', 23, false]]);
const audit = relation(16400, 'audit', [['id', 23, true]]);
const signals = relation(16500, 'debezium_signal', [['id', 25, true], ['type', 25, false], ['data', 25, false]]);

/**
 * What createTableResolver does, without a catalog: tables outside `captured` resolve to null; key columns are
 * the relation's key columns. `unreachable` makes look-ups fail as when the server is gone.
 */
function memoryTables(captured: (table: string) => boolean = (t) => t !== 'audit') {
  const byOid = new Map<number, TableSchema | null>();
  const calls: string[] = [];
  const state = { unreachable: false };
  const resolver: TableResolver = {
    forSnapshot: () => Promise.reject(new Error('not used by the dispatcher')),
    async forRelation(rel) {
      calls.push(`${rel.schema}.${rel.table}`);
      if (state.unreachable) throw new TransientError('PG_UNAVAILABLE', 'PostgreSQL is not reachable while reading the catalog');
      if (!captured(rel.table)) {
        byOid.set(rel.oid, null);
        return null;
      }
      const schema = buildTableSchema({
        topicPrefix: 'pg', schema: rel.schema, table: rel.table, mapping: DEFAULT_PG_MAPPING_OPTIONS,
        columns: rel.columns.map((c) => ({ name: c.name, type: TYPES[c.typeOid]!, typeMod: c.typeMod, optional: !c.isKey, included: true })),
        keyColumns: rel.columns.filter((c) => c.isKey).map((c) => c.name),
      });
      byOid.set(rel.oid, schema);
      return schema;
    },
    byOid: (oid) => byOid.get(oid),
  };
  return { resolver, calls, state };
}

const COMMIT_MICROS = 1_700_000_000_123_456;
/** A transaction: BEGIN at `at`, its changes 0x10 apart after it, COMMIT at the last change + 0x10. */
function txn(xid: number, at: bigint, changes: StreamMessage[]): Array<[StreamMessage, bigint]> {
  const finalLsn = at + BigInt(changes.length + 1) * 0x10n;
  return [
    [{ tag: 'begin', finalLsn, commitTimeMicros: COMMIT_MICROS, xid }, at],
    ...changes.map((m, i): [StreamMessage, bigint] => [m, at + BigInt(i + 1) * 0x10n]),
    [{ tag: 'commit', commitLsn: finalLsn, endLsn: finalLsn + 8n, commitTimeMicros: COMMIT_MICROS }, finalLsn],
  ];
}
const finalOf = (xid: number, at: bigint, changes: number) => at + BigInt(changes + 1) * 0x10n;

function batch(...parts: Array<Array<[StreamMessage, bigint]> | [StreamMessage, bigint]>): StreamBatch {
  const flat = parts.flatMap((p) => (Array.isArray(p[0]) ? p as Array<[StreamMessage, bigint]> : [p as [StreamMessage, bigint]]));
  return { messages: flat.map(([m]) => m), lsns: flat.map(([, l]) => l), bytes: 0 };
}

const rel = (r: Relation): StreamMessage => ({ tag: 'relation', relation: r });
const ins = (r: Relation, ...after: TupleValues): StreamMessage => ({ tag: 'insert', relation: r, after });
const upd = (r: Relation, before: TupleValues | null, after: TupleValues, beforeIsKey = false): StreamMessage => ({ tag: 'update', relation: r, before, beforeIsKey, after });
const del = (r: Relation, before: TupleValues, beforeIsKey = true): StreamMessage => ({ tag: 'delete', relation: r, before, beforeIsKey });
const keepalive = (walEnd: bigint): [StreamMessage, bigint] => [{ tag: 'keepalive', walEnd }, walEnd];

const START: ResumePoint = { flushLsn: 0x500n, commitLsn: null, lsn: 0x500n };

function setup(o: Partial<StreamDispatcherOptions> & { captured?: (table: string) => boolean } = {}) {
  const tables = memoryTables(o.captured);
  const out = capturingSink();
  const options: StreamDispatcherOptions = {
    sink: out.sink, tables: tables.resolver, topicPrefix: 'pg', database: 'shop',
    emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set(['t']) }), resume: START, heartbeatIntervalMs: 0,
    heartbeatTopic: '__debezium-heartbeat.pg', logger, ...o,
  };
  return { dispatcher: createStreamDispatcher(options), out, tables, options };
}

interface Env { op: string; before: unknown; after: unknown; source: Record<string, unknown> }
const env = (r: ChangeRecord) => r.value as Env;
const summary = (r: ChangeRecord) => (r.value === null ? `tombstone ${JSON.stringify(r.key)}` : `${env(r).op} ${JSON.stringify(r.key)}`);
const ids = (records: ChangeRecord[]) => records.map((r) => (r.key as { id: number }).id);

describe('PostgreSQL stream dispatcher: changes become Debezium change events', () => {
  it('an insert is a create event with the PostgreSQL source block; the batch\'s last record carries the offset', async () => {
    const { dispatcher, out } = setup();
    const at = 0x1000n;
    await dispatcher.handle(batch(txn(501, at, [rel(customers), ins(customers, '1', 'Ann')])));
    const [r] = out.records();
    assert.equal(r!.topic, 'pg.public.customers');
    assert.deepEqual(r!.key, { id: 1 });
    const e = env(r!);
    assert.equal(e.op, 'c');
    assert.equal(e.before, null);
    assert.deepEqual(e.after, { id: 1, name: 'Ann' });
    const final = finalOf(501, at, 2);
    const lsn = at + 0x20n;
    assert.deepEqual(e.source, {
      version: e.source.version, connector: 'postgresql', name: 'pg', ts_ms: Math.floor(COMMIT_MICROS / 1000), snapshot: 'false', db: 'shop',
      // sequence: [end of the previous commit (none yet in this stream), this change's LSN], as Debezium's
      sequence: `[null,"${lsn}"]`, ts_us: COMMIT_MICROS, ts_ns: BigInt(COMMIT_MICROS) * 1000n, schema: 'public', table: 'customers',
      txId: 501, lsn: Number(lsn), xmin: null, origin: null, origin_lsn: null,
    });
    assert.deepEqual(r!.partition, { server: 'pg' });
    // Sent after the commit: every transaction before the commit's end is in Kafka once this offset is
    assert.deepEqual(r!.offset, { lsn: Number(lsn), lsn_proc: Number(final + 8n), lsn_commit: Number(final), txId: 501, ts_usec: COMMIT_MICROS });
    // The next transaction's sequence starts with where that commit ended
    await dispatcher.handle(batch(txn(502, 0x2000n, [ins(customers, '2', 'Bob')])));
    assert.equal(JSON.parse(env(out.records()[1]!).source.sequence as string)[0], String(final + 8n));
  });

  it('updates: without an old image (REPLICA IDENTITY DEFAULT) before is null; with FULL it is the old row', async () => {
    const full = relation(16386, 'people', [['id', 23, true], ['name', 25, false]], 'full');
    const { dispatcher, out } = setup();
    await dispatcher.handle(batch(txn(7, 0x1000n, [
      rel(customers), upd(customers, null, ['1', 'Anne']),
      rel(full), upd(full, ['2', 'Bob'], ['2', 'Bobby']),
    ])));
    const [a, b] = out.records();
    assert.deepEqual([summary(a!), env(a!).before, env(a!).after], ['u {"id":1}', null, { id: 1, name: 'Anne' }]);
    assert.deepEqual([summary(b!), env(b!).before, env(b!).after], ['u {"id":2}', { id: 2, name: 'Bob' }, { id: 2, name: 'Bobby' }]);
  });

  it('a delete is a delete event (key-only old image: other columns null) followed by a tombstone', async () => {
    const { dispatcher, out } = setup();
    await dispatcher.handle(batch(txn(7, 0x1000n, [rel(customers), del(customers, ['1', null])])));
    const records = out.records();
    assert.deepEqual(records.map(summary), ['d {"id":1}', 'tombstone {"id":1}']);
    assert.deepEqual(env(records[0]!).before, { id: 1, name: null });
    assert.equal(env(records[0]!).after, null);
    assert.equal(records[1]!.valueSchema, null);
  });

  it('no tombstone with tombstones.on.delete=false; skipped.operations drops the named operations', async () => {
    const { dispatcher, out } = setup({ emitter: createChangeEmitter({ tombstonesOnDelete: false, skipped: new Set(['u']) }) });
    await dispatcher.handle(batch(txn(7, 0x1000n, [
      rel(customers), ins(customers, '1', 'a'), upd(customers, null, ['1', 'b']), del(customers, ['1', null]),
    ])));
    assert.deepEqual(out.records().map(summary), ['c {"id":1}', 'd {"id":1}']);
  });

  it('a primary-key change is a delete (+ tombstone) of the old key and a create of the new one', async () => {
    const { dispatcher, out } = setup();
    await dispatcher.handle(batch(txn(7, 0x1000n, [rel(customers), upd(customers, ['1', null], ['2', 'Ann'], true)])));
    const records = out.records();
    assert.deepEqual(records.map(summary), ['d {"id":1}', 'tombstone {"id":1}', 'c {"id":2}']);
    assert.deepEqual(env(records[2]!).after, { id: 2, name: 'Ann' });
  });

  it('a truncate is an op t event per captured table when truncates are not skipped; skipped by default, as Debezium', async () => {
    const truncate: StreamMessage = { tag: 'truncate', relations: [customers, audit], cascade: false, restartIdentity: false };
    const byDefault = setup();
    await byDefault.dispatcher.handle(batch(txn(7, 0x1000n, [rel(customers), rel(audit), truncate])));
    assert.equal(byDefault.out.records().length, 0);

    const { dispatcher, out } = setup({ emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }) });
    await dispatcher.handle(batch(txn(7, 0x1000n, [rel(customers), rel(audit), truncate])));
    const [r, ...rest] = out.records();
    assert.equal(rest.length, 0, 'nothing for the table outside the filters');
    assert.equal(r!.topic, 'pg.public.customers');
    assert.equal(r!.key, null);
    assert.deepEqual([env(r!).op, env(r!).before, env(r!).after], ['t', null, null]);
  });

  it('tables outside the filters produce nothing, and are resolved once per Relation message', async () => {
    const { dispatcher, out, tables } = setup();
    await dispatcher.handle(batch(txn(7, 0x1000n, [
      rel(audit), ins(audit, '1'), ins(audit, '2'), rel(customers), ins(customers, '1', 'a'),
    ])));
    assert.deepEqual(out.records().map((r) => r.topic), ['pg.public.customers']);
    assert.deepEqual(tables.calls, ['public.audit', 'public.customers']);
  });

  it('a new Relation message (ALTER TABLE) changes the schema of the events that follow', async () => {
    const { dispatcher, out } = setup();
    const altered = relation(16385, 'customers', [['id', 23, true], ['name', 25, false], ['email', 25, false]]);
    await dispatcher.handle(batch(
      txn(7, 0x1000n, [rel(customers), ins(customers, '1', 'a')]),
      txn(8, 0x2000n, [rel(altered), ins(altered, '2', 'b', 'b@example.com')]),
    ));
    const [before, later] = out.records();
    assert.deepEqual(env(before!).after, { id: 1, name: 'a' });
    assert.deepEqual(env(later!).after, { id: 2, name: 'b', email: 'b@example.com' });
    const afterField = later!.valueSchema!.fields!.find((f) => f.field === 'after')!;
    assert.deepEqual(afterField.fields!.map((f) => f.field), ['id', 'name', 'email']);
  });
});

describe('PostgreSQL stream dispatcher: transactions, offsets and restarts', () => {
  const three = [rel(customers), ins(customers, '1', 'a'), ins(customers, '2', 'b'), ins(customers, '3', 'c')];

  it('records go out in chunks; each chunk\'s last record carries lsn of its last event, lsn_commit and the flush position before it', async () => {
    const { dispatcher, out } = setup({ chunkRecords: 2 });
    const at = 0x1000n;
    await dispatcher.handle(batch(txn(9, at, three)));
    assert.deepEqual(out.batches.map((b) => ids(b)), [[1, 2], [3]]);
    const final = finalOf(9, at, 4);
    assert.deepEqual(out.batches[0]!.map((r) => r.offset), [undefined, {
      lsn: Number(at + 0x30n), lsn_proc: 0x500, lsn_commit: Number(final), txId: 9, ts_usec: COMMIT_MICROS,
    }], 'mid-transaction: the flush position is still the start');
    assert.deepEqual(out.batches[1]![0]!.offset, {
      lsn: Number(at + 0x40n), lsn_proc: Number(final + 8n), lsn_commit: Number(final), txId: 9, ts_usec: COMMIT_MICROS,
    });
  });

  it('a restart from any offset a record carried resumes without gaps or duplicates', async () => {
    const at = 0x1000n;
    const stream = () => batch(txn(9, at, three), txn(10, 0x2000n, [rel(customers), ins(customers, '4', 'd')]));
    const first = setup({ chunkRecords: 1 });
    await first.dispatcher.handle(stream());
    const all = first.out.records();
    assert.deepEqual(ids(all), [1, 2, 3, 4]);
    for (let i = 0; i < all.length; i++) {
      const offset = decodeOffset(all[i]!.offset)!;
      // As task.ts builds it from the committed offset; the server resends from lsn_proc, so the whole stream comes again
      const resume: ResumePoint = { flushLsn: offset.lsnProc, commitLsn: offset.lsnCommit, lsn: offset.lsn };
      const again = setup({ resume });
      await again.dispatcher.handle(stream());
      assert.deepEqual(ids(again.out.records()), [1, 2, 3, 4].slice(i + 1), `restart after record ${i}`);
    }
  });

  it('position(): between transactions the flush position; inside one, its commit LSN and the last event handed on', async () => {
    const { dispatcher } = setup();
    assert.deepEqual(dispatcher.position(), { flushLsn: 0x500n, commitLsn: null, lsn: 0n });
    const at = 0x1000n;
    const t = txn(9, at, three);
    await dispatcher.handle(batch(t.slice(0, 3)));
    assert.equal(dispatcher.inTransaction(), true);
    assert.deepEqual(dispatcher.position(), { flushLsn: 0x500n, commitLsn: finalOf(9, at, 4), lsn: at + 0x20n });
    await dispatcher.handle(batch(t.slice(3)));
    assert.equal(dispatcher.inTransaction(), false);
    assert.deepEqual(dispatcher.position(), { flushLsn: finalOf(9, at, 4) + 8n, commitLsn: null, lsn: 0n });
  });

  it('transactions that end before the flush position are skipped whole', async () => {
    const { dispatcher, out } = setup({ resume: { flushLsn: 0x1800n, commitLsn: null, lsn: 0x1800n } });
    await dispatcher.handle(batch(txn(9, 0x1000n, three), txn(10, 0x2000n, [rel(customers), ins(customers, '4', 'd')])));
    assert.deepEqual(ids(out.records()), [4]);
  });

  it('a transaction with nothing captured still moves the flush position; so does a keepalive between transactions, not inside one', async () => {
    const { dispatcher, out } = setup();
    await dispatcher.handle(batch(txn(9, 0x1000n, [rel(audit), ins(audit, '1')])));
    assert.equal(out.records().length, 0);
    assert.equal(dispatcher.position().flushLsn, finalOf(9, 0x1000n, 2) + 8n);
    await dispatcher.handle(batch(keepalive(0x3000n)));
    assert.equal(dispatcher.position().flushLsn, 0x3000n);
    const t = txn(10, 0x4000n, [rel(customers), ins(customers, '1', 'a')]);
    await dispatcher.handle(batch(t.slice(0, 2), keepalive(0x5000n)));
    assert.equal(dispatcher.position().flushLsn, 0x3000n, 'a keepalive inside a transaction does not move it');
  });

  it('heartbeats: at a keepalive between transactions once the interval passed, carrying the flush position', async () => {
    let now = 1_000_000;
    const { dispatcher, out } = setup({ heartbeatIntervalMs: 10_000, now: () => now });
    await dispatcher.handle(batch(keepalive(0x1000n)));
    assert.equal(out.records().length, 0, 'interval not passed yet');
    now += 10_000;
    const t = txn(10, 0x4000n, [rel(customers), ins(customers, '1', 'a')]);
    await dispatcher.handle(batch(t.slice(0, 2), keepalive(0x5000n)));
    assert.equal(out.records().length, 0, 'none inside a transaction');
    await dispatcher.handle(batch(t.slice(2), keepalive(0x6000n)));
    const hb = out.records().at(-1)!;
    assert.equal(hb.topic, '__debezium-heartbeat.pg');
    assert.deepEqual(hb.key, { serverName: 'pg' });
    assert.deepEqual(hb.value, { ts_ms: now });
    assert.deepEqual(hb.offset, { lsn: 0x6000, lsn_proc: 0x6000, txId: 10, ts_usec: COMMIT_MICROS });
  });
});

describe('PostgreSQL stream dispatcher: a batch that fails part-way', () => {
  it('position() stays at what was handed to the sink, so a reconnect re-reads the transactions of the failed batch', async () => {
    const { dispatcher, out, tables } = setup();
    const first = txn(9, 0x1000n, [rel(customers), ins(customers, '1', 'a')]);
    const lost = txn(10, 0x2000n, [ins(customers, '2', 'b')]);
    await dispatcher.handle(batch(first));
    const handed = dispatcher.position();
    tables.state.unreachable = true; // the look-up for the new table's Relation message fails
    await assert.rejects(dispatcher.handle(batch(lost, txn(11, 0x3000n, [rel(orders), ins(orders, '9', '1')]))), TransientError);
    assert.deepEqual(ids(out.records()), [1], 'transaction 10 was never sent');
    assert.deepEqual(dispatcher.position(), handed);

    // What streaming.ts does next: a new dispatcher from that position, the server resending from its flush LSN
    const again = setup({ resume: dispatcher.position() });
    await again.dispatcher.handle(batch(first, txn(10, 0x2000n, [rel(customers), ins(customers, '2', 'b')]), txn(11, 0x3000n, [rel(orders), ins(orders, '9', '1')])));
    assert.deepEqual(ids(again.out.records()), [2, 9]);
  });

  it('after a chunk went out mid-transaction, position() is that chunk\'s offset', async () => {
    const { dispatcher, out, tables } = setup({ chunkRecords: 2 });
    const t = txn(9, 0x1000n, [rel(customers), ins(customers, '1', 'a'), ins(customers, '2', 'b'), ins(customers, '3', 'c'), rel(orders)]);
    await dispatcher.handle(batch(t.slice(0, 4)));
    tables.state.unreachable = true; // the look-up for orders' Relation message fails after record 3 was converted
    await assert.rejects(dispatcher.handle(batch(t.slice(4))), TransientError);
    assert.deepEqual(ids(out.records()), [1, 2]);
    const sent = decodeOffset(out.records().at(-1)!.offset)!;
    assert.deepEqual(dispatcher.position(), { flushLsn: sent.lsnProc, commitLsn: sent.lsnCommit, lsn: sent.lsn });
  });

  it('a failure before anything was sent keeps the resume point it started from (mid-transaction restart included)', async () => {
    const resume: ResumePoint = { flushLsn: 0x500n, commitLsn: finalOf(9, 0x1000n, 2), lsn: 0x1020n };
    const { dispatcher, tables } = setup({ resume });
    tables.state.unreachable = true;
    await assert.rejects(dispatcher.handle(batch(txn(9, 0x1000n, [rel(customers), ins(customers, '1', 'a')]).slice(0, 2))), TransientError);
    assert.deepEqual(dispatcher.position(), resume);
  });
});

describe('PostgreSQL stream dispatcher: the signal table (ad-hoc snapshots)', () => {
  function hooks(chunk: ChangeRecord[] = []) {
    const calls: string[] = [];
    const signalTable = parseSignalTable('public.debezium_signal')!;
    const h: IncrementalStreamHooks = {
      signalTable,
      async onSignalRow(id, type, data) { calls.push(`signal ${id} ${type} ${data}`); },
      activeTable: () => 'public.customers',
      keyColumns: (table) => (table === 'public.customers' ? ['id'] : null),
      onChange(table, key) { calls.push(`change ${table} ${JSON.stringify(key)}`); },
      onTruncate(table) { calls.push(`truncate ${table}`); },
      async onRelation(r) { calls.push(`relation ${r.table}`); },
      async takeRecords(source) {
        calls.push('take');
        return chunk.map((r) => ({ ...r, value: { ...(r.value as object), source: source({ schema: 'public', table: 'customers' } as TableSchema) } }));
      },
      offsetFields: () => ({ incremental_snapshot_primary_key: '[5]' }),
    };
    return { hooks: h, calls };
  }

  it('signal-table inserts go to the hooks and are never emitted; at a close watermark the chunk is emitted there', async () => {
    const chunkRecord: ChangeRecord = { topic: 'pg.public.customers', keySchema: null, key: { id: 5 }, valueSchema: null, value: { op: 'r' } };
    const { hooks: h, calls } = hooks([chunkRecord]);
    const { dispatcher, out, tables } = setup({ incremental: h, emitter: createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }) });
    await dispatcher.handle(batch(
      txn(9, 0x1000n, [rel(signals), ins(signals, 'w1', 'snapshot-window-open', null)]),
      txn(10, 0x2000n, [rel(customers), upd(customers, ['5', null], ['6', 'x'], true), del(customers, ['7', null])]),
      txn(11, 0x3000n, [ins(signals, 'w1', 'snapshot-window-close', null), upd(signals, null, ['w1', 'x', null]), del(signals, ['w1', null, null])]),
      txn(12, 0x4000n, [{ tag: 'truncate', relations: [customers], cascade: false, restartIdentity: false }]),
    ));
    assert.deepEqual(tables.calls, ['public.customers'], 'the signal table is never resolved');
    assert.deepEqual(calls, [
      'signal w1 snapshot-window-open null',
      'relation customers',
      'change public.customers ["5"]',
      'change public.customers ["6"]',
      'change public.customers ["7"]',
      'signal w1 snapshot-window-close null',
      'take',
      'truncate public.customers',
    ]);
    const records = out.records();
    assert.ok(records.every((r) => r.topic === 'pg.public.customers'));
    assert.deepEqual(records.map((r) => (r.value === null ? 'tombstone' : env(r).op)), ['d', 'tombstone', 'c', 'd', 'tombstone', 'r', 't']);
    const read = env(records[5]!);
    assert.equal(read.source.snapshot, 'incremental');
    assert.equal(read.source.txId, 11);
    assert.equal(records.at(-1)!.offset!.incremental_snapshot_primary_key, '[5]');
  });
});

describe('PostgreSQL offsets as the dispatcher writes them', () => {
  it('round-trip through decodeOffset', () => {
    const o = { lsn: 0x1020n, lsnProc: 0x500n, lsnCommit: 0x1050n, txId: 9, tsUsec: COMMIT_MICROS, snapshot: null };
    assert.deepEqual(decodeOffset(encodeOffset(o)), o);
  });
});
