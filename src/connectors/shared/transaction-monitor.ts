/**
 * Debezium's transaction metadata (`provide.transaction.metadata=true`), one implementation for every connector:
 * a BEGIN record on `<topic.prefix>.<topic.transaction>` before a transaction's first event, a `transaction`
 * block (`id`, `total_order`, `data_collection_order`) in each of its data events, and an END record with the
 * event counts per data collection at its commit. Tombstones are not counted; snapshot reads carry no block.
 * A transaction that emitted nothing writes neither BEGIN nor END.
 */
import type { ChangeRecord, SourcePartition } from '../../connect-api/index.js';
import { transactionKeySchema, transactionValueSchema, type TransactionBlock } from '../../../schemas/index.js';

export interface TransactionMonitor {
  /** A transaction starts (its events follow); nothing is written until its first event. */
  start(id: string, tsMs: number): void;
  /** The block of the next data event of `dataCollection`, writing BEGIN first when it is the first; null outside a transaction. */
  next(out: ChangeRecord[], dataCollection: string): TransactionBlock | null;
  /** The transaction commits: END, if it wrote BEGIN. `id` replaces the start's id where the database names the commit differently. */
  end(out: ChangeRecord[], tsMs?: number, id?: string): void;
  /** The id the next events' blocks carry (PostgreSQL: `txId:lsn` of each change); the start's id until set. */
  at(eventId: string): void;
  /** Writes BEGIN (once) without counting an event: a schema change inside the transaction. */
  touch(out: ChangeRecord[]): void;
  /** Forgets an open transaction without END (Debezium writes none for a DDL statement's implicit one). */
  drop(): void;
  /** Whether a transaction is open (started and not ended). */
  readonly open: boolean;
}

/** Monitors that never write anything: transaction metadata off. */
export const NO_TRANSACTION_METADATA: TransactionMonitor = {
  start() {}, next: () => null, end() {}, at() {}, touch() {}, drop() {}, open: false,
};

export function createTransactionMonitor(o: { topic: string; partition?: SourcePartition }): TransactionMonitor {
  let id: string | null = null;
  let eventId: string | null = null;
  let tsMs = 0;
  let begun = false;
  let total = 0;
  let perCollection = new Map<string, number>();

  function record(value: Record<string, unknown>): ChangeRecord {
    return { topic: o.topic, keySchema: transactionKeySchema, key: { id: value.id }, valueSchema: transactionValueSchema, value, partition: o.partition };
  }

  function begin(out: ChangeRecord[]): void {
    if (begun || id === null) return;
    begun = true;
    out.push(record({ status: 'BEGIN', id, event_count: null, data_collections: null, ts_ms: tsMs }));
  }

  return {
    get open() { return id !== null; },
    touch: begin,
    at(e) {
      eventId = e;
    },
    start(txId, ts) {
      id = txId;
      eventId = null;
      tsMs = ts;
      begun = false;
      total = 0;
      perCollection = new Map();
    },
    next(out, dataCollection) {
      if (id === null) return null;
      begin(out);
      const n = (perCollection.get(dataCollection) ?? 0) + 1;
      perCollection.set(dataCollection, n);
      return { id: eventId ?? id, total_order: ++total, data_collection_order: n };
    },
    end(out, ts = tsMs, endId) {
      if (id !== null && begun) {
        const collections = javaHashMapOrder([...perCollection.keys()]).map((c) => ({ data_collection: c, event_count: perCollection.get(c)! }));
        out.push(record({ status: 'END', id: endId ?? id, event_count: total, data_collections: collections, ts_ms: ts }));
      }
      id = null;
      begun = false;
    },
    drop() {
      id = null;
      begun = false;
    },
  };
}

/**
 * Keys in the order a Java `HashMap<String, …>` filled with them iterates: by bucket of the spread String hash
 * (capacity doubling past a 0.75 load), insertion order within a bucket. Debezium lists END's data collections so.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (k: string) => {
    let h = 0;
    for (let i = 0; i < k.length; i++) h = (Math.imul(31, h) + k.charCodeAt(i)) | 0;
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys.map((k, i) => ({ k, i, b: bucket(k) })).sort((a, b) => a.b - b.b || a.i - b.i).map((e) => e.k);
}
