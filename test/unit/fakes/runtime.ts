/** Fakes for the runtime unit tests: a producer whose acknowledgements the test controls, a memory offset store. */
import { pino } from 'pino';
import type { Converter } from '../../../schemas/converter.js';
import type { ChangeRecord, SourceOffset, SourcePartition, SourceTask, SourceTaskContext } from '../../../src/connect-api/index.js';
import type { OutgoingMessage, RecordProducer, TransactionalProducer } from '../../../src/kafka/index.js';
import type { OffsetEntry, OffsetStore } from '../../../src/storage/types.js';

export const silentLogger = pino({ level: 'silent' });

export const jsonConverter: Converter = {
  fromConnectData: (_topic, _schema, value) => (value === null || value === undefined ? null : Buffer.from(JSON.stringify(value))),
};

interface Deferred {
  messages: OutgoingMessage[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** `auto` acknowledges every send at once; otherwise sends wait until the test calls `ackNext`/`failNext`. */
export function fakeProducer(mode: 'auto' | 'manual' = 'auto') {
  const delivered: OutgoingMessage[] = [];
  const batches: OutgoingMessage[][] = [];
  const waiting: Deferred[] = [];
  let arrived: (() => void) | undefined;
  let failWith: ((attempt: number) => unknown) | undefined;
  let attempts = 0;
  const producer: RecordProducer = {
    send(messages) {
      attempts++;
      const copy = [...messages];
      batches.push(copy);
      const err = failWith?.(attempts);
      if (err !== undefined) return Promise.reject(err);
      if (mode === 'auto') {
        delivered.push(...copy);
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        waiting.push({ messages: copy, resolve: () => { delivered.push(...copy); resolve(); }, reject });
        arrived?.();
      });
    },
    disconnect: () => Promise.resolve(),
  };
  return {
    producer,
    delivered,
    batches,
    waiting,
    /** Makes send fail while `fn` returns an error for the attempt number. */
    failWhen(fn: (attempt: number) => unknown) {
      failWith = fn;
    },
    async nextSend(): Promise<Deferred> {
      while (waiting.length === 0) await new Promise<void>((r) => { arrived = r; });
      return waiting.shift()!;
    },
  };
}

export function memoryOffsetStore() {
  const writes: Array<{ connector: string; entries: OffsetEntry[] }> = [];
  const current = new Map<string, SourceOffset>();
  let failWith: (() => unknown) | undefined;
  let gate: Promise<void> | undefined;
  const store: OffsetStore = {
    offsets: () => [],
    offset: (connector, partition) => current.get(JSON.stringify([connector, partition])) ?? null,
    async write(connector, entries) {
      if (gate) await gate;
      const err = failWith?.();
      if (err !== undefined) throw err;
      writes.push({ connector, entries: [...entries] });
      for (const e of entries) {
        const k = JSON.stringify([connector, e.partition]);
        if (e.offset === null) current.delete(k);
        else current.set(k, e.offset);
      }
    },
  };
  return {
    store,
    writes,
    current,
    failWhen(fn: (() => unknown) | undefined) {
      failWith = fn;
    },
    /** Holds writes until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((r) => { release = r; });
      return () => { gate = undefined; release(); };
    },
  };
}

export const partition: SourcePartition = { server: 'db1' };

export function records(from: number, count: number, topic = 'out'): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  for (let i = from; i < from + count; i++) {
    out.push({ topic, keySchema: null, key: { id: i % 10 }, valueSchema: null, value: { n: i }, partition, offset: { pos: i } });
  }
  return out;
}

/** A task driven by the test through `ctx` (exposed once `run` starts) and the returned `finish`/`throwError`. */
export function controllableTask(extra: Partial<SourceTask> = {}) {
  let ctxResolve!: (ctx: SourceTaskContext) => void;
  const ctxReady = new Promise<SourceTaskContext>((r) => { ctxResolve = r; });
  let endRun!: (err?: unknown) => void;
  const task: SourceTask = {
    run(ctx) {
      ctxResolve(ctx);
      return new Promise<void>((resolve, reject) => {
        endRun = (err) => (err === undefined ? resolve() : reject(err));
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
    ...extra,
  };
  return { task, ctx: ctxReady, finish: () => endRun(), throwError: (err: unknown) => endRun(err) };
}

/**
 * A transactional producer in memory: `committed` holds what read_committed consumers would see, one array per
 * transaction; `failWhen(call)` makes the n-th send or commit (1-based, counted together) throw.
 */
export function fakeTransactionalProducer() {
  const committed: OutgoingMessage[][] = [];
  let open: OutgoingMessage[] | undefined;
  let calls = 0;
  let failWith: ((call: number) => unknown) | undefined;
  const check = () => {
    const err = failWith?.(++calls);
    if (err !== undefined) throw err;
  };
  const producer: TransactionalProducer = {
    async fence() {},
    async begin() {
      if (open) throw new Error('already open');
      open = [];
    },
    async send(messages) {
      if (!open) throw new Error('send outside a transaction');
      check();
      open.push(...messages);
    },
    async commit() {
      if (!open) throw new Error('commit outside a transaction');
      check();
      committed.push(open);
      open = undefined;
    },
    async abort() {
      open = undefined;
    },
    get inTransaction() {
      return open !== undefined;
    },
    async disconnect() {},
  };
  return { producer, committed, failWhen: (fn: (call: number) => unknown) => { failWith = fn; } };
}
