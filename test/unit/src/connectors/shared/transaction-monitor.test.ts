import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord } from '../../../../../src/connect-api/index.js';
import { createChangeEmitter, type EmitterTable } from '../../../../../src/connectors/shared/change-emitter.js';
import { createTransactionMonitor, javaHashMapOrder } from '../../../../../src/connectors/shared/transaction-monitor.js';
import { field, int32, struct } from '../../../../../schemas/index.js';

const table = (name: string): EmitterTable => ({
  topic: `srv.${name}`, dataCollection: name,
  keySchema: struct([field('id', int32())], { name: `srv.${name}.Key` }), envelope: struct([], { name: `srv.${name}.Envelope` }),
});
const wide = table('db.wide');
const small = table('db.small');

describe('transaction metadata (shared by all connectors)', () => {
  it('writes BEGIN before the first event, a block per data event (tombstones not counted) and END with counts', () => {
    const transactions = createTransactionMonitor({ topic: 'srv.transaction' });
    const e = createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set(), transactions });
    const out: ChangeRecord[] = [];
    transactions.start('0-1-65', 1_000);
    e.create(out, wide, { id: 20 }, { id: 20 }, {}, 0);
    e.update(out, small, { id: 1 }, { id: 2 }, { id: 1 }, { id: 2 }, {}, 0);
    e.create(out, small, { id: 3 }, { id: 3 }, {}, 0);
    transactions.end(out);
    const summary = out.map((r) => {
      const v = r.value as any;
      return r.topic === 'srv.transaction' ? `${v.status} ${v.id}` : v === null ? 'tombstone' : `${v.op} ${v.transaction.total_order}/${v.transaction.data_collection_order}`;
    });
    assert.deepEqual(summary, ['BEGIN 0-1-65', 'c 1/1', 'd 2/1', 'tombstone', 'c 3/2', 'c 4/3', 'END 0-1-65']);
    const end = out.at(-1)!.value as any;
    assert.equal(end.event_count, 4);
    // Java HashMap order of the collection names, as Debezium lists them
    assert.deepEqual(end.data_collections, [{ data_collection: 'db.small', event_count: 3 }, { data_collection: 'db.wide', event_count: 1 }]);
    assert.deepEqual(out[0]!.key, { id: '0-1-65' });
    assert.equal(end.ts_ms, 1_000);
  });

  it('writes nothing for a transaction without events, and no block outside a transaction or in snapshot reads', () => {
    const transactions = createTransactionMonitor({ topic: 'srv.transaction' });
    const e = createChangeEmitter({ tombstonesOnDelete: true, skipped: new Set(), transactions });
    const out: ChangeRecord[] = [];
    transactions.start('tx1', 0);
    transactions.end(out);
    e.create(out, wide, { id: 1 }, { id: 1 }, {}, 0);
    transactions.start('tx2', 0);
    e.read(out, wide, { id: 2 }, { id: 2 }, {}, 0);
    assert.deepEqual(out.map((r) => (r.value as any).transaction), [null, null]);
  });

  it('orders keys as a Java HashMap<String, ?> iterates them', () => {
    assert.deepEqual(javaHashMapOrder(['conformance.wide', 'conformance.small']), ['conformance.small', 'conformance.wide']);
    assert.deepEqual(javaHashMapOrder(['public.wide', 'public.small']), ['public.wide', 'public.small']);
  });
});
