import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareBinlogPositions, createProgressTracker, decodeKey, emptyProgress, encodeKey, isSnapshotProgress, minBinlogPosition, resumeTable,
} from '../../../snapshot/progress.js';
import { createStatsTracker } from '../../../snapshot/stats.js';
import { createOrderGate, createWorkQueue } from '../../../snapshot/work-queue.js';
import type { SnapshotProgress, TableInfo } from '../../../snapshot/types.js';

function table(name: string, chunkKey: string[] = ['id'], estimatedRows = 0): TableInfo {
  const [schema, t] = name.split('.');
  return {
    id: { schema: schema!, table: t! }, name, columns: [], primaryKey: chunkKey, keyColumns: chunkKey, chunkKey, extraKeyColumns: [],
    estimatedRows, avgRowBytes: 0,
  };
}

/** Progress as it comes back from the offsets topic. */
const roundTrip = (p: SnapshotProgress): SnapshotProgress => JSON.parse(JSON.stringify(p));

describe('snapshot progress', () => {
  it('encodes keys as JSON and decodes them back to query parameters', () => {
    const key = [1, 'x', Buffer.from([0, 255]), 2n ** 64n, null, true];
    const json = JSON.parse(JSON.stringify(encodeKey(key)));
    assert.deepEqual(json, [1, 'x', { b64: 'AP8=' }, '18446744073709551616', null, true]);
    assert.deepEqual(decodeKey(json), [1, 'x', Buffer.from([0, 255]), '18446744073709551616', null, true]);
  });

  it('records completed chunks per table and resumes after the last one', () => {
    const a = table('db.a');
    const b = table('db.b', ['k1', 'k2']);
    const tracker = createProgressTracker([a, b], null);
    tracker.tableStarted(a, { file: 'bin.000002', pos: 400, gtid: '0-1-9' });
    const p1 = tracker.chunkDelivered(a, [100], 100, false);
    tracker.tableStarted(b, { file: 'bin.000002', pos: 900, gtid: '0-1-12' });
    const p2 = tracker.chunkDelivered(b, ['x', Buffer.from('y')], 50, false);
    const p3 = tracker.chunkDelivered(a, [150], 20, true);
    assert.deepEqual(p1.partial['db.a'], { chunkKey: ['id'], after: [100], chunks: 1, rows: 100 });
    assert.deepEqual(p1.done, [], 'values handed out earlier are not changed later');
    assert.deepEqual(p3.done, ['db.a']);
    assert.equal(p3.partial['db.a'], undefined);
    assert.equal(p3.rowsDone, 170);
    assert.ok(isSnapshotProgress(roundTrip(p3)));

    const stored = roundTrip(p3);
    assert.deepEqual(resumeTable(stored, a), { done: true, after: null, chunks: 0, rows: 0 });
    assert.deepEqual(resumeTable(stored, b), { done: false, after: ['x', Buffer.from('y')], chunks: 1, rows: 50 });
    void p2;

    // A resumed run keeps the first position of tables it continues and the row count.
    const resumed = createProgressTracker([a, b], stored);
    resumed.tableStarted(b, { file: 'bin.000003', pos: 4, gtid: '0-1-40' });
    assert.deepEqual(resumed.position(b), { file: 'bin.000002', pos: 900, gtid: '0-1-12' });
    const p4 = resumed.chunkDelivered(b, ['z', Buffer.from('z')], 10, true);
    assert.deepEqual([...p4.done].sort(), ['db.a', 'db.b']);
    assert.equal(p4.rowsDone, 180);
    assert.equal(resumed.tablesDone(), 2);
  });

  it('starts a table over when its chunk key changed, and forgets tables no longer selected', () => {
    const stored: SnapshotProgress = {
      v: 1, done: ['db.gone'], rowsDone: 10,
      partial: { 'db.a': { chunkKey: ['old'], after: [5], chunks: 2, rows: 10 } },
      positions: { 'db.a': { file: 'b.000001', pos: 4, gtid: null }, 'db.gone': { file: 'b.000001', pos: 4, gtid: null } },
    };
    const a = table('db.a', ['id']);
    assert.deepEqual(resumeTable(stored, a), { done: false, after: null, chunks: 0, rows: 0 });
    const tracker = createProgressTracker([a], stored);
    assert.deepEqual(tracker.current().done, []);
    assert.deepEqual(tracker.current().positions, {}, 'a table read again from the start gets a new position');
  });

  it('gives a table (re)started by a resumed run the first run\'s floor, so streaming replays deletes of rows sent before the crash', () => {
    const p1 = { file: 'b.000001', pos: 100, gtid: null };
    const p2 = { file: 'b.000001', pos: 900, gtid: null };
    const p3 = { file: 'b.000002', pos: 4, gtid: null };
    const a = table('db.a');
    const b = table('db.b');
    const first = createProgressTracker([a, b], null);
    first.tableStarted(a, p1);
    const committed = roundTrip(first.chunkDelivered(a, [10], 10, false));
    assert.deepEqual(committed.floor, p1);
    // The crash came after b's first chunk reached Kafka (read at p2) but before its progress was committed.
    const resumed = createProgressTracker([a, b], committed);
    resumed.tableStarted(b, p3);
    assert.deepEqual(resumed.position(b), p1, 'not p3: changes between p2 and p3 must be streamed for b');
    assert.deepEqual(resumed.position(a), p1);
    // A fresh run keeps each table's own position.
    const fresh = createProgressTracker([a, b], null);
    fresh.tableStarted(a, p1);
    fresh.tableStarted(b, p2);
    assert.deepEqual(fresh.position(b), p2);
    assert.deepEqual(roundTrip(fresh.current()).floor, p1);
  });

  it('rejects values that are not progress', () => {
    assert.equal(isSnapshotProgress(null), false);
    assert.equal(isSnapshotProgress({ v: 2, done: [], partial: {}, positions: {}, rowsDone: 0 }), false);
    assert.equal(isSnapshotProgress(emptyProgress()), true);
  });

  it('orders binlog positions across file rollover and finds the minimum', () => {
    const p = (file: string, pos: number) => ({ file, pos, gtid: null });
    assert.ok(compareBinlogPositions(p('mysql-bin.000009', 9000), p('mysql-bin.000010', 4)) < 0);
    assert.ok(compareBinlogPositions(p('mysql-bin.999999', 4), p('mysql-bin.1000000', 4)) < 0, 'the sequence grows a digit');
    assert.ok(compareBinlogPositions(p('b.000002', 10), p('b.000002', 9)) > 0);
    assert.deepEqual(minBinlogPosition({ x: p('b.000003', 1), y: p('b.000002', 500), z: p('b.000002', 700) }), p('b.000002', 500));
    assert.equal(minBinlogPosition({}), null);
  });
});

describe('snapshot stats', () => {
  it('reports rate and ETA from rows of this run', () => {
    let now = 1000;
    const stats = createStatsTracker([table('db.a', ['id'], 1000), table('db.b', ['id'], 1000)], 0, 500, () => now);
    stats.tableStarted(table('db.a'));
    now += 2000;
    stats.rowsDelivered(500);
    const s = stats.current();
    assert.equal(s.rowsDone, 1000);
    assert.equal(s.rowsEstimated, 2000);
    assert.equal(s.rowsPerSecond, 250);
    assert.equal(s.etaSeconds, 4);
    assert.deepEqual(s.tablesInProgress, ['db.a']);
    stats.tableFinished(table('db.a'));
    stats.tableFinished(table('db.b'));
    assert.equal(stats.current().etaSeconds, 0);
  });
});

describe('snapshot work distribution', () => {
  it('lets range chunks pass in order', async () => {
    const gate = createOrderGate();
    const passed: number[] = [];
    const waits = [2, 1, 0].map((seq) => gate.turn(seq).then(() => {
      passed.push(seq);
      gate.advance(seq);
    }));
    await Promise.all(waits);
    assert.deepEqual(passed, [0, 1, 2]);
  });

  it('keeps readers waiting while a table is being split, then hands out its ranges first', async () => {
    const queue = createWorkQueue<string>(['t1']);
    const splitting = queue.producer();
    assert.equal(await queue.next(), 't1');
    const waiting = queue.next();
    queue.pushFront(['r0', 'r1']);
    splitting.done();
    assert.equal(await waiting, 'r0');
    assert.equal(await queue.next(), 'r1');
    assert.equal(await queue.next(), null);
  });
});
