/**
 * Debezium's rules for turning one row change into records, written once for every connector (the role of
 * Debezium's `RelationalChangeRecordEmitter` and its dispatcher's tombstone step):
 *  - an update that changes the key is a delete of the old key (header `__debezium.newkey`), its tombstone, and
 *    a create of the new key (header `__debezium.oldkey`);
 *  - a delete is followed by a tombstone when `tombstones.on.delete` (keyless tables too: key and value null);
 *  - `skipped.operations` drops c/u/d/t before anything is built;
 *  - with `provide.transaction.metadata`, each data event carries its transaction block (transaction-monitor.ts).
 * Connectors supply encoded rows, keys and the source block; they never build envelopes themselves.
 */
import type { ChangeRecord, SourcePartition } from '../../connect-api/index.js';
import { headerText, makeEnvelope, type ConnectSchema, type Operation } from '../../../schemas/index.js';
import { NO_TRANSACTION_METADATA, type TransactionMonitor } from './transaction-monitor.js';

/** What the emitter needs of a table: its topic and schemas (built once per table definition). */
export interface EmitterTable {
  readonly topic: string;
  /** Debezium's data collection name (`db.table`, `schema.table`): transaction metadata counts per collection. */
  readonly dataCollection: string;
  readonly keySchema: ConnectSchema | null;
  /** `<topic>.Envelope` */
  readonly envelope: ConnectSchema;
}

export interface ChangeEmitterOptions {
  tombstonesOnDelete: boolean;
  /** `skipped.operations`: any of c, u, d, t. */
  skipped: ReadonlySet<string>;
  /** The source partition every record carries (offsets are keyed by it). */
  partition?: SourcePartition;
  /** Transaction metadata (`provide.transaction.metadata`); none by default. */
  transactions?: TransactionMonitor;
}

type Row = Record<string, unknown>;
type Key = Row | null;

export interface ChangeEmitter {
  /** A snapshot read (`op: r`). */
  read(out: ChangeRecord[], t: EmitterTable, key: Key, after: Row, source: unknown, nowMs: number): void;
  create(out: ChangeRecord[], t: EmitterTable, key: Key, after: Row, source: unknown, nowMs: number): void;
  /** An update; `before` is null when the database gives no old image. Splits into delete + create when the key changes. */
  update(out: ChangeRecord[], t: EmitterTable, oldKey: Key, newKey: Key, before: Row | null, after: Row, source: unknown, nowMs: number): void;
  delete(out: ChangeRecord[], t: EmitterTable, key: Key, before: Row, source: unknown, nowMs: number): void;
  truncate(out: ChangeRecord[], t: EmitterTable, source: unknown, nowMs: number): void;
  /** The transaction metadata this emitter writes into (a no-op monitor when it is off). */
  readonly transactions: TransactionMonitor;
}

export const OLD_KEY_HEADER = '__debezium.oldkey';
export const NEW_KEY_HEADER = '__debezium.newkey';

export function createChangeEmitter(o: ChangeEmitterOptions): ChangeEmitter {
  const { skipped, tombstonesOnDelete, partition } = o;
  const transactions = o.transactions ?? NO_TRANSACTION_METADATA;
  const skipC = skipped.has('c');
  const skipU = skipped.has('u');
  const skipD = skipped.has('d');
  const skipT = skipped.has('t');

  function push(out: ChangeRecord[], t: EmitterTable, key: Key, value: unknown, headers?: Record<string, string>): void {
    const r: ChangeRecord = { topic: t.topic, keySchema: t.keySchema, key, valueSchema: value === null ? null : t.envelope, value, partition };
    if (headers) r.headers = headers;
    out.push(r);
  }

  function keyHeader(name: string, t: EmitterTable, key: Key): Record<string, string> | undefined {
    const text = headerText(t.keySchema, key);
    return text === null ? undefined : { [name]: text };
  }

  /** A data event: its transaction block first (which may write BEGIN), then the record. */
  function change(out: ChangeRecord[], t: EmitterTable, key: Key, op: Operation, before: Row | null, after: Row | null, source: unknown,
    nowMs: number, headers?: Record<string, string>): void {
    const tx = transactions.next(out, t.dataCollection);
    push(out, t, key, makeEnvelope(before, after, source, op, nowMs, tx), headers);
  }

  function del(out: ChangeRecord[], t: EmitterTable, key: Key, before: Row, source: unknown, nowMs: number, headers?: Record<string, string>): void {
    change(out, t, key, 'd', before, null, source, nowMs, headers);
    if (tombstonesOnDelete) push(out, t, key, null, headers);
  }

  return {
    transactions,
    read(out, t, key, after, source, nowMs) {
      push(out, t, key, makeEnvelope(null, after, source, 'r', nowMs));
    },
    create(out, t, key, after, source, nowMs) {
      if (!skipC) change(out, t, key, 'c', null, after, source, nowMs);
    },
    update(out, t, oldKey, newKey, before, after, source, nowMs) {
      if (before !== null && !sameKey(oldKey, newKey)) {
        if (!skipD) del(out, t, oldKey, before, source, nowMs, keyHeader(NEW_KEY_HEADER, t, newKey));
        if (!skipC) change(out, t, newKey, 'c', null, after, source, nowMs, keyHeader(OLD_KEY_HEADER, t, oldKey));
        return;
      }
      if (!skipU) change(out, t, newKey, 'u', before, after, source, nowMs);
    },
    delete(out, t, key, before, source, nowMs) {
      if (!skipD) del(out, t, key, before, source, nowMs);
    },
    truncate(out, t, source, nowMs) {
      if (skipT) return;
      const tx = transactions.next(out, t.dataCollection);
      out.push({ topic: t.topic, keySchema: null, key: null, valueSchema: t.envelope, value: makeEnvelope(null, null, source, 't', nowMs, tx), partition });
    },
  };
}

/**
 * Whether two encoded keys are equal (values: numbers, strings, bigints, Buffers, structs of them). A missing
 * key on either side (keyless table, or no old image) is never a key change.
 */
export function sameKey(a: Key, b: Key): boolean {
  if (a === b || a === null || b === null) return true;
  for (const k in a) if (!sameValue(a[k], b[k])) return false;
  return true;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return x.equals(y);
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) return sameKey(x as Row, y as Row);
  return false;
}
