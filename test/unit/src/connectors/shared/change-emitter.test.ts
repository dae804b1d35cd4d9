import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { createChangeEmitter, sameKey, type EmitterTable } from '../../../../../src/connectors/shared/change-emitter.js';
import { field, int32, string, struct } from '../../../../../schemas/index.js';

const keyed: EmitterTable = {
  topic: 'srv.db.t',
  dataCollection: 'db.t',
  keySchema: struct([field('id', int32()), field('code', string())], { name: 'srv.db.t.Key' }),
  envelope: struct([], { name: 'srv.db.t.Envelope' }),
};
const keyless: EmitterTable = { ...keyed, keySchema: null };
const src = { name: 'srv' };

const ops = (out: ChangeRecord[]) => out.map((r) => (r.value === null ? 'tombstone' : (r.value as { op: string }).op));

describe('change emitter (Debezium rules shared by all connectors)', () => {
  it('splits a key change into delete, tombstone and create with the old/new key headers', () => {
    const out: ChangeRecord[] = [];
    createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() })
      .update(out, keyed, { id: 1, code: 'a"b' }, { id: 2, code: 'a"b' }, { id: 1, code: 'a"b' }, { id: 2, code: 'a"b' }, src, 0);
    assert.deepEqual(ops(out), ['d', 'tombstone', 'c']);
    assert.deepEqual(out.map((r) => r.key), [{ id: 1, code: 'a"b' }, { id: 1, code: 'a"b' }, { id: 2, code: 'a"b' }]);
    assert.deepEqual(out[0]!.headers, { '__debezium.newkey': '{"id":2,"code":"a\\"b"}' });
    assert.deepEqual(out[1]!.headers, { '__debezium.newkey': '{"id":2,"code":"a\\"b"}' });
    assert.deepEqual(out[2]!.headers, { '__debezium.oldkey': '{"id":1,"code":"a\\"b"}' });
  });

  it('keeps an update with the same key one update event, without headers', () => {
    const out: ChangeRecord[] = [];
    createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() })
      .update(out, keyed, { id: 1, code: 'x' }, { id: 1, code: 'x' }, { id: 1, code: 'x' }, { id: 1, code: 'x' }, src, 0);
    assert.deepEqual(ops(out), ['u']);
    assert.equal(out[0]!.headers, undefined);
  });

  it('follows a delete of a keyless row with a tombstone (null key and value), as Debezium does', () => {
    const out: ChangeRecord[] = [];
    createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set() }).delete(out, keyless, null, { v: 1 }, src, 0);
    assert.deepEqual(ops(out), ['d', 'tombstone']);
    assert.equal(out[1]!.key, null);
    assert.equal(out[1]!.valueSchema, null);
  });

  it('honours tombstones.on.delete=false and skipped.operations, also within a key change', () => {
    const out: ChangeRecord[] = [];
    const e = createChangeEmitter({ tombstonesOnDelete: false, skipped: new Set(['c', 't']) });
    e.update(out, keyed, { id: 1, code: 'a' }, { id: 2, code: 'a' }, { id: 1, code: 'a' }, { id: 2, code: 'a' }, src, 0);
    e.create(out, keyed, { id: 3, code: 'a' }, { id: 3, code: 'a' }, src, 0);
    e.truncate(out, keyed, src, 0);
    assert.deepEqual(ops(out), ['d']);
    const reads: ChangeRecord[] = [];
    e.read(reads, keyed, { id: 3, code: 'a' }, { id: 3, code: 'a' }, src, 0);
    assert.deepEqual(ops(reads), ['r'], 'snapshot reads are never skipped');
  });

  it('treats a missing key on either side as no key change', () => {
    assert.equal(sameKey(null, { id: 1 }), true);
    assert.equal(sameKey({ id: Buffer.from('a') }, { id: Buffer.from('a') }), true);
    assert.equal(sameKey({ id: 1n << 60n }, { id: (1n << 60n) + 1n }), false);
  });
});
