/**
 * The incremental snapshot core against a fake source and a fake change stream (pure, no I/O): watermarks
 * written by the chunk loop go into the fake stream; a pump feeds the stream to the snapshotter in order, as a
 * connector's dispatcher does, and records what would be emitted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createIncrementalSnapshotter, type IncrementalChunkSource, type IncrementalSnapshotter } from '../../../snapshot/index.js';
import type { SnapshotCommand } from '../../../src/connect-api/index.js';

interface Row { id: number; v: string }
type StreamEvent = { signal: string; type: string; data?: string } | { table: string; id: number; v: string | null };
interface Emitted { op: 'r' | 'c' | 'd'; table: string; id: number; v: string | null; offset: Record<string, string> }

/** What a test's hook may do while a chunk is being read. */
interface Harness {
  inc: IncrementalSnapshotter<Row>;
  ctl: AbortController;
  change(table: string, id: number, v: string | null): void;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

function harness(tables: Record<string, number[]>, o: { chunkSize?: number; afterRead?: (h: Harness, chunk: number) => void } = {}) {
  const data = new Map(Object.entries(tables).map(([t, ids]) => [t, new Map(ids.map((id) => [id, `v${id}`]))]));
  const stream: StreamEvent[] = [];
  const out: Emitted[] = [];
  const errors: unknown[] = [];
  const watermarks: string[] = [];
  let reads = 0;
  const ctl = new AbortController();
  const source: IncrementalChunkSource<Row> = {
    resolve: (n) => (data.has(n) ? { name: n, keyColumns: ['id'] } : n === 'db.nokey' ? 'the table has no primary key' : 'not a captured table'),
    async maxKey(t) {
      const ids = [...data.get(t.name)!.keys()];
      return ids.length ? [Math.max(...ids)] : null;
    },
    async readChunk(t, after, max, limit) {
      const rows = [...data.get(t.name)!]
        .filter(([id]) => (after === null || id > (after[0] as number)) && id <= (max[0] as number))
        .sort((a, b) => a[0] - b[0])
        .slice(0, limit)
        .map(([id, v]) => ({ id, v }));
      o.afterRead?.(h, ++reads);
      return rows;
    },
    keyOf: (_t, r) => [r.id],
    keyString: (_t, k) => JSON.stringify(k),
    async writeWatermark(id, type) {
      watermarks.push(type);
      stream.push({ signal: id, type });
      setImmediate(pump);
    },
  };
  const inc: IncrementalSnapshotter<Row> = createIncrementalSnapshotter({
    source, chunkSize: o.chunkSize ?? 3, logger: pino({ level: 'silent' }), onError: (e) => errors.push(e),
  });
  function pump() {
    for (let e = stream.shift(); e; e = stream.shift()) {
      if ('signal' in e) {
        inc.onSignalRow(e.signal, e.type, e.data ?? null);
        const emit = inc.takeEmit();
        for (const r of emit?.rows ?? []) out.push({ op: 'r', table: emit!.table.name, id: r.id, v: r.v, offset: inc.offsetFields() });
      } else {
        inc.onChange(e.table, [e.id]);
        out.push({ op: e.v === null ? 'd' : 'c', table: e.table, id: e.id, v: e.v, offset: inc.offsetFields() });
      }
    }
  }
  const h = {
    inc, out, errors, watermarks, ctl, data,
    /** A committed change of the source table: applied and put on the stream. */
    change(table: string, id: number, v: string | null) {
      if (v === null) data.get(table)!.delete(id);
      else data.get(table)!.set(id, v);
      stream.push({ table, id, v });
    },
    signalRow(id: string, type: string, body: unknown) {
      stream.push({ signal: id, type, data: JSON.stringify(body) });
      pump();
    },
    async idle() {
      while (inc.progress() !== null) await tick();
    },
    /** What a consumer materialises from the events. */
    view(table: string) {
      const m = new Map<number, string>();
      for (const e of out.filter((x) => x.table === table)) {
        if (e.v === null) m.delete(e.id);
        else m.set(e.id, e.v);
      }
      return m;
    },
  };
  inc.start(ctl.signal);
  return h;
}

const exec = (tables: string[], conditions: Record<string, string> = {}, id = 'snap-1'): SnapshotCommand =>
  ({ kind: 'execute', id, dataCollections: tables, conditions, surrogateKey: null });

describe('incremental snapshotter', () => {
  it('re-reads a table in key-ordered chunks, one window per chunk, and is idle afterwards', async () => {
    const h = harness({ 'db.t': [5, 1, 9, 3, 7, 2, 8] });
    assert.equal(h.inc.command(exec(['db.t'])), null);
    await h.idle();
    assert.deepEqual(h.out.map((e) => e.id), [1, 2, 3, 5, 7, 8, 9]);
    assert.ok(h.out.every((e) => e.op === 'r'));
    assert.equal(h.watermarks.length, 6); // 3 chunks: 3 + 3 + 1 rows (the short one ends the table)
    assert.deepEqual(h.inc.offsetFields(), {});
    assert.deepEqual(h.errors, []);
    h.ctl.abort();
  });

  it('drops chunk rows whose key changed or was deleted inside the window: no resurrection, no stale overwrite', async () => {
    const h = harness({ 'db.t': [1, 2, 3, 4, 5, 6, 7] }, {
      afterRead(x, chunk) {
        if (chunk !== 1) return;
        // Committed after the chunk's SELECT, before its close watermark: the SELECT saw the old state.
        x.change('db.t', 2, 'v2-new');
        x.change('db.t', 3, null);
        x.change('db.t', 6, null); // a later chunk's key: that chunk reads the table without it
      },
    });
    h.inc.command(exec(['db.t']));
    await h.idle();
    assert.deepEqual([...h.view('db.t')].sort((a, b) => a[0] - b[0]), [...h.data.get('db.t')!].sort((a, b) => a[0] - b[0]));
    const last3 = h.out.filter((e) => e.id === 3).at(-1);
    assert.equal(last3?.op, 'd', 'key 3 deleted inside the window must stay deleted');
    assert.deepEqual(h.out.filter((e) => e.op === 'r').map((e) => e.id), [1, 4, 5, 7]);
    h.ctl.abort();
  });

  it('ignores changes of other tables and watermarks of other chunks', async () => {
    const h = harness({ 'db.t': [1, 2, 3], 'db.u': [2] }, {
      afterRead(x) {
        x.change('db.u', 2, 'other');
      },
    });
    h.signalRow('stale-open', 'snapshot-window-open', {});
    h.signalRow('stale-close', 'snapshot-window-close', {});
    h.inc.command(exec(['db.t']));
    await h.idle();
    assert.deepEqual(h.out.filter((e) => e.op === 'r').map((e) => e.id), [1, 2, 3]);
    h.ctl.abort();
  });

  it('pause lets the open chunk finish and starts no new one until resume', async () => {
    let paused = false;
    const h = harness({ 'db.t': [1, 2, 3, 4, 5, 6, 7] }, {
      afterRead(x, chunk) {
        if (chunk === 1) paused = x.inc.command({ kind: 'pause', id: 'p' }) === null;
      },
    });
    h.inc.command(exec(['db.t']));
    while (h.out.length < 3) await tick();
    for (let i = 0; i < 20; i++) await tick();
    assert.ok(paused);
    assert.equal(h.out.length, 3);
    assert.equal(h.inc.progress()?.paused, true);
    assert.equal(h.inc.progress()?.chunks, 1);
    assert.equal(h.inc.command({ kind: 'resume', id: 'r' }), null);
    await h.idle();
    assert.deepEqual(h.out.map((e) => e.id), [1, 2, 3, 4, 5, 6, 7]);
    h.ctl.abort();
  });

  it('stop drops named tables from the queue, or everything including the chunk in flight', async () => {
    const h = harness({ 'db.t': [1, 2, 3, 4], 'db.u': [1, 2], 'db.w': [1] }, {
      afterRead(x, chunk) {
        if (chunk === 1) assert.equal(x.inc.command({ kind: 'stop', id: 's', dataCollections: ['db.u'] }), null);
        if (chunk === 2) assert.equal(x.inc.command({ kind: 'stop', id: 's2', dataCollections: null }), null);
      },
    });
    h.inc.command(exec(['db.t', 'db.u', 'db.w']));
    await h.idle();
    for (let i = 0; i < 10; i++) await tick();
    // chunk 1 (t: 1-3) emitted; chunk 2 (t: 4) cancelled by the stop of everything; u and w never read.
    assert.deepEqual(h.out.map((e) => `${e.table}:${e.id}`), ['db.t:1', 'db.t:2', 'db.t:3']);
    assert.deepEqual(h.inc.offsetFields(), {});
    h.ctl.abort();
  });

  it('carries its context in the offset and resumes after the last emitted chunk', async () => {
    const tables = { 'db.t': [1, 2, 3, 4, 5, 6, 7, 8], 'db.u': [1, 2] };
    const first = harness(tables, { afterRead: (x, chunk) => chunk === 2 && x.ctl.abort() });
    first.inc.command(exec(['db.t', 'db.u'], { 'db.u': 'id > 1' }, 'snap-9'));
    while (first.out.length < 3) await tick();
    const offset = first.out[2].offset; // the last record of the first chunk: what a crash right after it left committed
    assert.deepEqual(JSON.parse(offset.incremental_snapshot_collections), [
      { table: 'db.t', condition: null },
      { table: 'db.u', condition: 'id > 1' },
    ]);
    assert.equal(offset.incremental_snapshot_primary_key, '[3]');
    assert.equal(offset.incremental_snapshot_maximum_key, '[8]');

    const second = harness(tables);
    second.inc.restore(offset);
    assert.equal(second.inc.progress()?.id, 'snap-9');
    await second.idle();
    assert.deepEqual(second.out.map((e) => `${e.table}:${e.id}`), ['db.t:4', 'db.t:5', 'db.t:6', 'db.t:7', 'db.t:8', 'db.u:1', 'db.u:2']);
    second.ctl.abort();

    const third = harness(tables);
    third.inc.restore({ file: 'mysql-bin.000001', pos: 4 });
    third.inc.restore(null);
    assert.equal(third.inc.progress(), null);
    assert.deepEqual(third.inc.offsetFields(), {});
    third.ctl.abort();
  });

  it('takes commands from signal-table rows and refuses bad ones with a reason', async () => {
    const h = harness({ 'db.t': [1] });
    assert.equal(h.inc.command({ kind: 'pause', id: 'x' }), 'no incremental snapshot is running');
    assert.equal(h.inc.command({ kind: 'stop', id: 'x', dataCollections: null }), 'no incremental snapshot is running');
    assert.match(h.inc.command(exec(['db.nope'])) ?? '', /cannot snapshot db\.nope: not a captured table/);
    assert.match(h.inc.command(exec(['db.nokey'])) ?? '', /no primary key/);
    assert.match(h.inc.command({ ...exec(['db.t']), surrogateKey: 'v' } as SnapshotCommand) ?? '', /surrogate-key/);
    h.inc.command({ kind: 'pause', id: 'p' }); // refused: idle, so the snapshot below runs
    h.signalRow('sig-1', 'execute-snapshot', { 'data-collections': ['db.t'], type: 'incremental' });
    assert.equal(h.inc.progress()?.id, 'sig-1');
    assert.match(h.inc.command(exec(['db.t'])) ?? '', /already snapshotting db\.t/);
    assert.equal(h.inc.command({ kind: 'resume', id: 'r' }), 'the incremental snapshot is not paused');
    assert.match(h.inc.command({ kind: 'stop', id: 's', dataCollections: ['db.other'] }) ?? '', /not being snapshotted/);
    h.signalRow('sig-2', 'log', { message: 'hi' }); // not ours: ignored
    h.signalRow('sig-3', 'execute-snapshot', 'not json'); // refused in the log, never thrown
    await h.idle();
    assert.deepEqual(h.out.map((e) => e.id), [1]);
    h.ctl.abort();
  });

  it('a failing table goes to onError and is dropped; the next one still runs', async () => {
    const h = harness({ 'db.t': [1, 2], 'db.u': [7] }, {
      afterRead(_x, chunk) {
        if (chunk === 1) throw new Error('You have an error in your SQL syntax');
      },
    });
    h.inc.command(exec(['db.t', 'db.u']));
    await h.idle();
    assert.equal(h.errors.length, 1);
    assert.deepEqual(h.out.map((e) => `${e.table}:${e.id}`), ['db.u:7']);
    h.ctl.abort();
  });

  it('reports progress while it runs', async () => {
    let seen: Record<string, unknown> | null = null;
    const h = harness({ 'db.t': [1, 2, 3, 4], 'db.u': [1] }, { afterRead: (x, c) => { if (c === 2) seen = x.inc.progress(); } });
    h.inc.command(exec(['db.t', 'db.u']));
    await h.idle();
    assert.equal(h.inc.progress(), null);
    const p = seen as unknown as Record<string, unknown>;
    assert.equal(p.id, 'snap-1');
    assert.equal(p.table, 'db.t');
    assert.deepEqual(p.tables, ['db.u']);
    assert.equal(p.chunks, 1);
    assert.equal(p.rows, 3);
    assert.equal(p.paused, false);
    h.ctl.abort();
  });
});
