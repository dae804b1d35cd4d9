/**
 * The binlog reader's transaction bookkeeping against a scripted binlog: group positions and GTIDs, skipping
 * what was delivered before a restart (event/row), DDL groups, batching and backpressure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import {
  startBinlogReader, type BinlogItem, type BinlogResumePosition, type WireEvent, type WireStream, type WireStreamOptions,
} from '../../../../binlog/mysql/index.js';
import { columnFromDefinition } from '../../../../schemas/mysql/index.js';
import type { ErrorCode } from '../../../../src/errors/index.js';

const table = {
  tableId: 7, database: 'db', table: 't', primaryKey: ['id'], selfDescribing: true,
  columns: [columnFromDefinition({ name: 'id', columnType: 'int', optional: false })],
};
const rows = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: from + i }));

/** A scripted binlog: the test pushes events; records pause/resume calls. */
function scripted() {
  let opts!: WireStreamOptions;
  const calls: string[] = [];
  const open = (o: WireStreamOptions): WireStream => {
    opts = o;
    return {
      isMariaDb: true, ready: Promise.resolve(),
      pause: () => calls.push('pause'), resume: () => calls.push('resume'), stop: async () => { calls.push('stop'); },
    };
  };
  return { open, calls, emit: (...events: WireEvent[]) => events.forEach((e) => opts.onEvent(e)), fail: (e: Error) => opts.onError(e), start: () => opts.start };
}

function transaction(seq: number, startPos: number, rowEvents: number[], endPos: number): WireEvent[] {
  let id = 1;
  return [
    { type: 'gtid', gtid: `0-1-${seq}`, standalone: false, startPos, nextPos: startPos + 42, ts: 1_700_000_000_000, thread: null },
    { type: 'tablemap', table },
    ...rowEvents.map((n): WireEvent => {
      const r = rows(n, id);
      id += n;
      return { type: 'rows', op: 'c', table, rows: r, pos: 0, nextPos: 0, ts: 1_700_000_000_000, bytes: 10 * n };
    }),
    { type: 'xid', nextPos: endPos, ts: 1_700_000_000_000 },
  ];
}

const logger = pino({ level: 'silent' });
/** Lets deliveries queued behind the current one run (a stop drops what is not delivered yet). */
const settled = () => new Promise((r) => setImmediate(r));
const start = (p: Partial<BinlogResumePosition> = {}): BinlogResumePosition => ({ file: 'bin.000001', pos: 100, gtids: '0-1-4', event: 0, row: 0, ...p });

describe('binlog reader', () => {
  it('tracks group starts, GTIDs and the position after each commit and DDL', async () => {
    const s = scripted();
    const got: BinlogItem[] = [];
    const reader = startBinlogReader({
      connection: { host: 'h', port: 1, user: 'u' }, serverId: 9, start: start(), resumeBy: 'gtid', includeTable: () => true,
      deliver: async (items) => { got.push(...items); }, logger, openStream: s.open,
    });
    assert.deepEqual(s.start(), { gtids: '0-1-4' });
    s.emit({ type: 'rotate', file: 'bin.000001', pos: 4 }, ...transaction(5, 100, [3, 2], 500));
    s.emit({ type: 'gtid', gtid: '0-1-6', standalone: true, startPos: 500, nextPos: 542, ts: 0, thread: null },
      { type: 'query', query: 'ALTER TABLE t ADD c INT', database: 'db', pos: 542, nextPos: 600, ts: 0, thread: 3, errorCode: 0 });
    await settled();
    await reader.stop();
    const kinds = got.map((i) => i.kind);
    assert.deepEqual(kinds, ['rows', 'rows', 'commit', 'ddl']);
    const first = got[0] as Extract<BinlogItem, { kind: 'rows' }>;
    assert.deepEqual({ file: first.tx.file, pos: first.tx.pos, gtid: first.tx.gtid, before: first.tx.gtidsBefore, server: first.tx.serverId },
      { file: 'bin.000001', pos: 100, gtid: '0-1-5', before: '0-1-4', server: 1 });
    assert.deepEqual([first.event, (got[1] as typeof first).event], [0, 1]);
    assert.deepEqual((got[2] as Extract<BinlogItem, { kind: 'commit' }>).after, { file: 'bin.000001', pos: 500, gtids: '0-1-5', event: 0, row: 0 });
    const ddl = got[3] as Extract<BinlogItem, { kind: 'ddl' }>;
    assert.deepEqual(ddl.statement.tables, [{ database: 'db', table: 't' }]);
    assert.deepEqual(ddl.after, { file: 'bin.000001', pos: 600, gtids: '0-1-6', event: 0, row: 0 });
    assert.equal(ddl.tx.gtidsBefore, '0-1-5');
  });

  it('after a restart mid-transaction, skips the row events and rows already delivered, and only in that transaction', async () => {
    const s = scripted();
    const got: BinlogItem[] = [];
    const reader = startBinlogReader({
      connection: { host: 'h', port: 1, user: 'u' }, serverId: 9, start: start({ event: 1, row: 1 }), resumeBy: 'position',
      includeTable: () => true, deliver: async (items) => { got.push(...items); }, logger, openStream: s.open,
    });
    assert.deepEqual(s.start(), { file: 'bin.000001', pos: 100 });
    s.emit({ type: 'rotate', file: 'bin.000001', pos: 100 }, ...transaction(5, 100, [3, 2, 4], 500), ...transaction(6, 500, [3, 2], 700));
    await settled();
    await reader.stop();
    const rowItems = got.filter((i): i is Extract<BinlogItem, { kind: 'rows' }> => i.kind === 'rows');
    assert.deepEqual(rowItems.map((i) => [i.tx.gtid, i.event, i.firstRow, i.rows.length]), [
      ['0-1-5', 1, 1, 2], ['0-1-5', 2, 0, 4], ['0-1-6', 0, 0, 3], ['0-1-6', 1, 0, 2],
    ]);
  });

  it('delivers one batch at a time and pauses the binlog while the consumer is behind', async () => {
    const s = scripted();
    const batches: BinlogItem[][] = [];
    let release!: () => void;
    const reader = startBinlogReader({
      connection: { host: 'h', port: 1, user: 'u' }, serverId: 9, start: start(), resumeBy: 'position', includeTable: () => true,
      maxBatchRows: 10, maxQueueRows: 20,
      deliver: (items) => { batches.push(items); return new Promise<void>((r) => { release = r; }); },
      logger, openStream: s.open,
    });
    s.emit(...transaction(5, 100, [10], 200));
    assert.equal(batches.length, 1, 'the first full batch goes out at once');
    s.emit(...transaction(6, 200, [10, 10, 5], 300));
    assert.equal(batches.length, 1, 'no second delivery while the first runs');
    assert.deepEqual(s.calls, ['pause']);
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(batches.length, 2);
    assert.deepEqual(s.calls, ['pause', 'resume']);
    // The queued transaction goes out in batches of about maxBatchRows rows (whole row events), not all at once
    const rowsOf = (batch: BinlogItem[]) => batch.filter((i) => i.kind === 'rows').reduce((n, i) => n + (i as { rows: readonly unknown[] }).rows.length, 0);
    assert.equal(rowsOf(batches[1]!), 10);
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(rowsOf(batches[2]!), 10);
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal(rowsOf(batches[3]!), 5);
    assert.equal(batches[3]!.at(-1)!.kind, 'commit', 'the commit follows its last rows');
    assert.equal(batches.length, 4);
    release();
    await reader.stop();
  });

  it('fails with a translated error and stops the stream', async () => {
    const s = scripted();
    const reader = startBinlogReader({
      connection: { host: 'h', port: 1, user: 'u' }, serverId: 9, start: start(), resumeBy: 'position', includeTable: () => true,
      deliver: async () => undefined, logger, openStream: s.open,
    });
    s.fail(Object.assign(new Error('Could not find first log file name in binary log index file'), { errno: 1236, code: 'ER_MASTER_FATAL_ERROR_READING_BINLOG' }));
    await assert.rejects(reader.done, (err: Error & { code?: ErrorCode }) => err.code === 'POSITION_LOST');
    assert.ok(s.calls.includes('stop'));
  });
});
