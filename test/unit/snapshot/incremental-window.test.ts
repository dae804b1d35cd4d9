/** Incremental snapshots, pure parts: the DBLog chunk window and Debezium's snapshot signals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChunkWindow, parseSnapshotSignal } from '../../../snapshot/index.js';

const rows = (...ids: number[]) => ids.map((id) => [String(id), { id, v: `snap${id}` }] as const);

describe('chunk window (DBLog watermarks)', () => {
  it('emits the whole chunk in order when nothing changed between the watermarks', () => {
    const w = createChunkWindow<{ id: number }>();
    w.open();
    w.load(rows(1, 2, 3));
    assert.deepEqual(w.close().map((r) => r.id), [1, 2, 3]);
  });

  it('drops keys changed (updated or deleted) inside the window, so a newer streamed change or a delete wins', () => {
    const w = createChunkWindow<{ id: number }>();
    w.open();
    w.load(rows(1, 2, 3, 4));
    w.changed('2'); // updated: the streamed update is at least as new as the row read
    w.changed('4'); // deleted: must not come back
    w.changed('99'); // not in the chunk
    assert.equal(w.dropped, 2);
    assert.deepEqual(w.close().map((r) => r.id), [1, 3]);
  });

  it('changes streamed after the low watermark but before the chunk was loaded still shadow its rows', () => {
    const w = createChunkWindow<{ id: number }>();
    w.open();
    w.changed('3');
    w.load(rows(1, 3));
    assert.deepEqual(w.close().map((r) => r.id), [1]);
  });

  it('changes before the low watermark do not matter (the chunk read is newer); the window resets after close', () => {
    const w = createChunkWindow<{ id: number }>();
    w.changed('1');
    w.load(rows(1));
    w.open();
    assert.deepEqual(w.close().map((r) => r.id), [1]);
    assert.equal(w.isOpen, false);
    w.open();
    w.load(rows(5));
    assert.deepEqual(w.close().map((r) => r.id), [5]);
  });
});

describe('Debezium snapshot signals', () => {
  it('execute-snapshot with data-collections and additional conditions (string or object data)', () => {
    const data = '{"data-collections": ["inv.orders", "inv.items"], "type": "INCREMENTAL", "additional-conditions": [{"data-collection": "inv.orders", "filter": "id > 10"}]}';
    assert.deepEqual(parseSnapshotSignal('s1', 'execute-snapshot', data), {
      ok: true,
      command: { kind: 'execute', id: 's1', dataCollections: ['inv.orders', 'inv.items'], conditions: { 'inv.orders': 'id > 10' }, surrogateKey: null },
    });
    const older = parseSnapshotSignal('s2', 'execute-snapshot', { 'data-collections': ['a.b'], 'additional-condition': 'x = 1' });
    assert.deepEqual(older.ok === true && older.command.kind === 'execute' ? older.command.conditions : null, { 'a.b': 'x = 1' });
  });

  it('stop (all or some tables), pause and resume', () => {
    assert.deepEqual(parseSnapshotSignal('a', 'stop-snapshot', '{"type":"incremental"}'), { ok: true, command: { kind: 'stop', id: 'a', dataCollections: null } });
    assert.deepEqual(parseSnapshotSignal('b', 'stop-snapshot', { 'data-collections': ['x.y'] }), { ok: true, command: { kind: 'stop', id: 'b', dataCollections: ['x.y'] } });
    assert.deepEqual(parseSnapshotSignal('c', 'pause-snapshot', null), { ok: true, command: { kind: 'pause', id: 'c' } });
    assert.deepEqual(parseSnapshotSignal('d', 'resume-snapshot', ''), { ok: true, command: { kind: 'resume', id: 'd' } });
  });

  it('refuses malformed signals with the reason and ignores other signal types', () => {
    assert.deepEqual(parseSnapshotSignal('x', 'log', '{"message":"hi"}'), { ok: 'ignored', type: 'log' });
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /not JSON/],
      ['[1]', /JSON object/],
      ['{"data-collections": []}', /at least one table/],
      ['{"data-collections": "a.b"}', /array of table names/],
      ['{"data-collections": ["a.b"], "type": "blocking"}', /only "incremental"/],
      ['{"data-collections": ["a.b"], "additional-conditions": [{"data-collection": "c.d", "filter": "x"}]}', /not in "data-collections"/],
      ['{"data-collections": ["a.b"], "additional-conditions": [{"data-collection": "a.b"}]}', /non-empty "filter"/],
    ];
    for (const [data, error] of cases) {
      const r = parseSnapshotSignal('x', 'execute-snapshot', data);
      assert.equal(r.ok, false, String(data));
      assert.match((r as { error: string }).error, error);
    }
  });
});
