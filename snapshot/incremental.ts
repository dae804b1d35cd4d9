/**
 * Incremental (ad-hoc) snapshots, shared by the connectors: a queue of tables re-read in key-ordered chunks
 * while streaming goes on, each chunk deduplicated against the stream with DBLog watermarks
 * (`incremental-window.ts`). No I/O of its own: the connector provides an `IncrementalChunkSource` (queries and
 * watermark inserts) and feeds the stream's signal-table inserts and row changes in, in stream order.
 *
 *   chunk loop (background)             change stream (dispatcher, in order)
 *   INSERT <id>-open  ───────────────▶  onSignalRow(open)   → window opens
 *   SELECT chunk → window.load          onChange(table,key) → shadows chunk rows of that key
 *   INSERT <id>-close ───────────────▶  onSignalRow(close)  → takeEmit(): rows to emit as op "r", right there
 *   (waits for takeEmit) → next chunk
 *
 * The context is kept in the connector's source offset (Debezium's key names, JSON strings), updated when a
 * chunk is emitted, so a restart resumes after the last emitted chunk (re-reading the next one with a new window).
 */
import { randomUUID } from 'node:crypto';
import type { SnapshotCommand } from './signals.js';
import type { Logger } from '../src/logging/index.js';
import { createChunkWindow } from './incremental-window.js';
import { decodeKey, encodeKey } from './progress.js';
import { parseSnapshotSignal } from './signals.js';
import type { JsonKeyValue } from './types.js';

export interface IncrementalTableRef {
  /** As resolved by the connector, e.g. "inventory.customers" / "public.items". */
  name: string;
  keyColumns: string[];
}

export type WatermarkType = 'snapshot-window-open' | 'snapshot-window-close';

/** Implemented by each connector. */
export interface IncrementalChunkSource<R> {
  /** The table to snapshot, or the reason it cannot be (unknown or not captured table, no key). */
  resolve(dataCollection: string): IncrementalTableRef | string;
  /** The largest key (matching `condition`), or null when there is no row. */
  maxKey(t: IncrementalTableRef, condition: string | null): Promise<unknown[] | null>;
  /** Up to `limit` rows in key order with `after` < key <= `max` (and `condition`). */
  readChunk(t: IncrementalTableRef, after: unknown[] | null, max: unknown[], limit: number, condition: string | null): Promise<R[]>;
  keyOf(t: IncrementalTableRef, row: R): unknown[];
  /** Same encoding the dispatcher's keys get in `onChange`. */
  keyString(t: IncrementalTableRef, key: unknown[]): string;
  /**
   * Optional: a chunk row's key string for the window when `keyString(keyOf(row))` would not match the stream's
   * keys (e.g. the stream gives keys in another representation than the query's driver values).
   */
  rowKeyString?(t: IncrementalTableRef, row: R): string;
  /** Inserts (autocommit) a watermark row into the signal table. */
  writeWatermark(id: string, type: WatermarkType): Promise<void>;
}

export interface IncrementalEmit<R> {
  table: IncrementalTableRef;
  rows: R[];
  lastInTable: boolean;
}

export interface IncrementalSnapshotter<R> {
  /** Validates and enqueues a command; null = accepted, else why it is refused. */
  command(cmd: SnapshotCommand): string | null;
  /** From the committed offset at task start. */
  restore(offset: Readonly<Record<string, unknown>> | null): void;
  /**
   * Starts the chunk loop in the background. A failing chunk (bad additional condition, table dropped, errors
   * the source gave up retrying) goes to `onError` and drops that table from the queue; the others go on.
   */
  start(signal: AbortSignal): void;
  /** An INSERT into the signal table, seen in the stream: a watermark or a command. */
  onSignalRow(id: string, type: string, data: string | null): void;
  /** A change (old and new key for a key change) of a captured table, seen in the stream. */
  onChange(table: string, key: unknown[]): void;
  /** After `onSignalRow` of a close watermark: the chunk rows to emit now, in stream order. */
  takeEmit(): IncrementalEmit<R> | null;
  /** Merged into every stream offset; {} when no incremental snapshot is running. */
  offsetFields(): Record<string, string>;
  progress(): Record<string, unknown> | null;
  /** The table being read (cheap; lets a dispatcher skip key extraction for other tables), null when idle. */
  readonly current: string | null;
}

export interface IncrementalOptions<R> {
  source: IncrementalChunkSource<R>;
  chunkSize: number;
  logger: Logger;
  onError(err: unknown, table: string): void;
  now?: () => number;
}

/** Debezium's offset keys, plus our snapshot id (so progress keeps its id across a restart). */
export const INCREMENTAL_OFFSET_KEYS = {
  collections: 'incremental_snapshot_collections',
  primaryKey: 'incremental_snapshot_primary_key',
  maximumKey: 'incremental_snapshot_maximum_key',
  id: 'incremental_snapshot_id',
} as const;

interface Entry {
  table: IncrementalTableRef;
  condition: string | null;
}

interface Chunk {
  id: string;
  entry: Entry;
  lastKey: unknown[] | null;
  lastInTable: boolean;
  cancelled: boolean;
  done: () => void;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) => JSON.stringify(encodeKey(a)) === JSON.stringify(encodeKey(b));

export function createIncrementalSnapshotter<R>(o: IncrementalOptions<R>): IncrementalSnapshotter<R> {
  const { source, logger } = o;
  const now = o.now ?? Date.now;
  const window = createChunkWindow<R>();
  let id: string | null = null;
  let queue: Entry[] = []; // head = the table being read
  let max: unknown[] | null | undefined; // of the head table; undefined = not read yet
  let after: unknown[] | null = null; // last key of the head table covered by an emitted chunk
  let paused = false;
  let chunk: Chunk | null = null;
  let ready: IncrementalEmit<R> | null = null;
  let pendingDone: (() => void) | null = null; // lets the loop go on once `ready` was taken
  const stats = { chunks: 0, rows: 0, startedAt: 0, tableStartedAt: 0, firstKey: null as unknown[] | null };
  let wake: () => void = () => {};
  let lastError: string | null = null;

  const notify = () => wake();
  const idle = () => queue.length === 0;

  function resetHead(): void {
    max = undefined;
    after = null;
    stats.tableStartedAt = now();
    stats.firstKey = null;
  }

  function execute(cmd: Extract<SnapshotCommand, { kind: 'execute' }>): string | null {
    if (cmd.surrogateKey !== null) return 'surrogate-key is not supported: tables are chunked by their primary key';
    const entries: Entry[] = [];
    for (const name of cmd.dataCollections) {
      const table = source.resolve(name);
      if (typeof table === 'string') return `cannot snapshot ${name}: ${table}`;
      const condition = cmd.conditions[name] ?? cmd.conditions[table.name] ?? null;
      if (!entries.some((e) => e.table.name === table.name)) entries.push({ table, condition });
    }
    const fresh = entries.filter((e) => !queue.some((q) => q.table.name === e.table.name));
    if (fresh.length === 0) return `already snapshotting ${entries.map((e) => e.table.name).join(', ')}`;
    if (idle()) {
      id = cmd.id;
      lastError = null;
      stats.chunks = 0;
      stats.rows = 0;
      stats.startedAt = now();
      resetHead();
    }
    queue.push(...fresh);
    logger.info({ id, tables: fresh.map((e) => e.table.name) }, 'incremental snapshot requested');
    notify();
    return null;
  }

  function stop(tables: string[] | null): string | null {
    if (idle()) return 'no incremental snapshot is running';
    const names = tables?.map((t) => {
      const r = source.resolve(t);
      return typeof r === 'string' ? t : r.name;
    });
    const drop = (e: Entry) => names === undefined || names.includes(e.table.name);
    if (!queue.some(drop)) return `${tables?.join(', ')} ${tables?.length === 1 ? 'is' : 'are'} not being snapshotted`;
    const headDropped = drop(queue[0]);
    queue = queue.filter((e) => !drop(e));
    if (headDropped) {
      if (chunk) chunk.cancelled = true;
      resetHead();
    }
    if (idle()) {
      id = null;
      paused = false;
    }
    logger.info({ tables: names ?? 'all' }, 'incremental snapshot stopped');
    notify();
    return null;
  }

  function command(cmd: SnapshotCommand): string | null {
    switch (cmd.kind) {
      case 'execute':
        return execute(cmd);
      case 'stop':
        return stop(cmd.dataCollections);
      case 'pause':
        if (idle()) return 'no incremental snapshot is running';
        paused = true;
        logger.info({ id }, 'incremental snapshot paused');
        return null;
      case 'resume':
        if (idle()) return 'no incremental snapshot is running';
        if (!paused) return 'the incremental snapshot is not paused';
        paused = false;
        logger.info({ id }, 'incremental snapshot resumed');
        notify();
        return null;
    }
  }

  function restore(offset: Readonly<Record<string, unknown>> | null): void {
    const raw = offset?.[INCREMENTAL_OFFSET_KEYS.collections];
    if (typeof raw !== 'string') return;
    const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : null);
    try {
      const list = parse(raw) as Array<{ table: string; condition: string | null }>;
      const entries: Entry[] = [];
      for (const c of list) {
        const table = source.resolve(c.table);
        if (typeof table === 'string') logger.warn({ table: c.table, reason: table }, 'incremental snapshot: table dropped on restore');
        else entries.push({ table, condition: c.condition ?? null });
      }
      queue = entries;
      if (idle()) return;
      const sameHead = entries[0].table.name === list[0].table;
      id = typeof offset?.[INCREMENTAL_OFFSET_KEYS.id] === 'string' ? (offset[INCREMENTAL_OFFSET_KEYS.id] as string) : randomUUID();
      stats.startedAt = now();
      resetHead();
      if (sameHead) {
        const m = parse(offset?.[INCREMENTAL_OFFSET_KEYS.maximumKey]) as JsonKeyValue[] | null;
        const a = parse(offset?.[INCREMENTAL_OFFSET_KEYS.primaryKey]) as JsonKeyValue[] | null;
        if (m) max = decodeKey(m);
        if (a) after = decodeKey(a);
      }
      logger.info({ id, tables: queue.map((e) => e.table.name), after }, 'incremental snapshot resumed from the offset');
      notify();
    } catch (err) {
      queue = [];
      logger.warn({ err }, 'incremental snapshot context in the offset is unreadable; not resumed');
    }
  }

  function offsetFields(): Record<string, string> {
    if (idle() || id === null) return {};
    const out: Record<string, string> = {
      [INCREMENTAL_OFFSET_KEYS.collections]: JSON.stringify(queue.map((e) => ({ table: e.table.name, condition: e.condition }))),
      [INCREMENTAL_OFFSET_KEYS.id]: id,
    };
    if (max) out[INCREMENTAL_OFFSET_KEYS.maximumKey] = JSON.stringify(encodeKey(max));
    if (after) out[INCREMENTAL_OFFSET_KEYS.primaryKey] = JSON.stringify(encodeKey(after));
    return out;
  }

  /** Resolves when `notify` is called or the signal aborts. */
  function sleep(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        wake = () => {};
        resolve();
      };
      wake = done;
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) done();
    });
  }

  async function runChunk(entry: Entry, signal: AbortSignal): Promise<void> {
    const { table, condition } = entry;
    if (max === undefined) {
      const m = await source.maxKey(table, condition);
      if (queue[0] !== entry) return; // stopped meanwhile: `max` belongs to whatever is the head now
      max = m;
      if (max === null) {
        logger.info({ table: table.name }, 'incremental snapshot: table is empty');
        finishHead();
        return;
      }
    }
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const c: Chunk = { id: randomUUID(), entry, lastKey: null, lastInTable: false, cancelled: false, done: () => resolveDone() };
    chunk = c;
    await source.writeWatermark(`${c.id}-open`, 'snapshot-window-open');
    const rows = await source.readChunk(table, after, max as unknown[], o.chunkSize, condition);
    const keys = rows.map((r) => source.keyOf(table, r));
    const rowKey = source.rowKeyString ?? ((t: IncrementalTableRef, r: R, i: number) => source.keyString(t, keys[i]));
    window.load(rows.map((r, i) => [rowKey(table, r, i), r] as const));
    c.lastKey = keys.length ? keys[keys.length - 1] : after;
    c.lastInTable = rows.length < o.chunkSize || (c.lastKey !== null && sameKey(c.lastKey, max as unknown[]));
    stats.firstKey ??= keys[0] ?? null;
    await source.writeWatermark(`${c.id}-close`, 'snapshot-window-close');
    await untilDoneOrAborted(done, signal);
  }

  async function untilDoneOrAborted(done: Promise<void>, signal: AbortSignal): Promise<void> {
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => (onAbort = resolve));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      await Promise.race([done, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  function finishHead(): void {
    const t = queue.shift();
    logger.info({ table: t?.table.name, chunks: stats.chunks, rows: stats.rows }, 'incremental snapshot: table done');
    resetHead();
    if (idle()) {
      logger.info({ id }, 'incremental snapshot completed');
      id = null;
      paused = false;
    }
  }

  function start(signal: AbortSignal): void {
    void (async () => {
      while (!signal.aborted) {
        if (idle() || paused) {
          await sleep(signal);
          continue;
        }
        const entry = queue[0];
        try {
          await runChunk(entry, signal);
        } catch (err) {
          if (signal.aborted) break;
          if (chunk?.entry === entry) {
            window.close();
            chunk = null;
          }
          lastError = `${entry.table.name}: ${err instanceof Error ? err.message : String(err)}`;
          if (queue[0] === entry) {
            logger.error({ err, table: entry.table.name }, 'incremental snapshot of the table failed; it is dropped from the queue');
            stop([entry.table.name]);
          }
          o.onError(err, entry.table.name);
        }
      }
    })()
      .catch((err) => logger.error({ err }, 'incremental snapshot loop failed'))
      .finally(() => {
        chunk = null;
      });
  }

  function onSignalRow(rowId: string, type: string, data: string | null): void {
    if (type === 'snapshot-window-open' || type === 'snapshot-window-close') {
      const c = chunk;
      if (!c) return; // a watermark of an earlier run (replayed after a restart) or of another task
      if (type === 'snapshot-window-open' && rowId === `${c.id}-open`) window.open();
      else if (type === 'snapshot-window-close' && rowId === `${c.id}-close`) closeChunk(c);
      return;
    }
    const parsed = parseSnapshotSignal(rowId, type, data);
    if (parsed.ok === 'ignored') logger.debug({ id: rowId, type }, 'signal ignored: not a snapshot signal');
    else if (parsed.ok === false) logger.warn({ id: rowId, type, error: parsed.error }, 'signal refused');
    else {
      const refused = command(parsed.command);
      if (refused) logger.warn({ id: rowId, type, reason: refused }, 'signal refused');
    }
  }

  function closeChunk(c: Chunk): void {
    const rows = window.close();
    chunk = null;
    if (c.cancelled || queue[0] !== c.entry) {
      c.done();
      return;
    }
    after = c.lastKey;
    stats.chunks++;
    stats.rows += rows.length;
    ready = { table: c.entry.table, rows, lastInTable: c.lastInTable };
    if (c.lastInTable) finishHead();
    // The loop goes on once the dispatcher took the rows (takeEmit), so chunks never overtake each other.
    const take = ready;
    pendingDone = () => {
      if (ready === take) ready = null;
      c.done();
    };
  }
  function takeEmit(): IncrementalEmit<R> | null {
    const out = ready;
    ready = null;
    const done = pendingDone;
    pendingDone = null;
    done?.();
    return out;
  }

  function onChange(table: string, key: unknown[]): void {
    const c = chunk;
    if (c && window.isOpen && c.entry.table.name === table) window.changed(source.keyString(c.entry.table, key));
  }

  function progress(): Record<string, unknown> | null {
    if (idle()) return null;
    const elapsed = (now() - stats.startedAt) / 1000;
    return {
      id,
      table: queue[0].table.name,
      tables: queue.slice(1).map((e) => e.table.name),
      chunks: stats.chunks,
      rows: stats.rows,
      rowsPerSecond: elapsed > 0 ? Math.round(stats.rows / elapsed) : 0,
      paused,
      etaSeconds: etaSeconds(),
      ...(lastError ? { lastError } : {}),
    };
  }

  /** For a single numeric key only: time so far on this table, scaled by the key range still ahead. */
  function etaSeconds(): number | null {
    const [first, a, m] = [stats.firstKey?.[0], after?.[0], max?.[0]];
    if (!stats.firstKey || stats.firstKey.length !== 1 || ![first, a, m].every((v) => typeof v === 'number')) return null;
    const covered = (a as number) - (first as number);
    if (covered <= 0) return null;
    const seconds = ((now() - stats.tableStartedAt) / 1000) * (((m as number) - (a as number)) / covered);
    return Math.max(0, Math.round(seconds));
  }

  return {
    command, restore, start, onSignalRow, onChange, takeEmit, offsetFields, progress,
    get current() {
      return queue[0]?.table.name ?? null;
    },
  };
}
