/**
 * The snapshot run: `maxThreads` reader connections take tasks from a queue; chunks reach the caller one at a
 * time through `onChunk`, each with the progress that includes it. Retriable errors reconnect the reader and
 * continue after the last delivered chunk; others stop every reader and fail the run. Abort stops promptly.
 */
import { CdcError, ConfigError } from '../src/errors/index.js';
import { retry } from '../src/retry/index.js';
import { chunkRows, DEFAULT_FETCH_SIZE, DEFAULT_MAX_CHUNK_BYTES } from './chunk-planner.js';
import type { ReaderConnection } from './dialect.js';
import { dialectFor } from './dialect-registry.js';
import { translateDriverError } from './errors.js';
import { createProgressTracker, resumeTable } from './progress.js';
import { createStatsTracker } from './stats.js';
import { runTask, type Task, type TableState } from './table-tasks.js';
import type { SnapshotOptions, SnapshotResult, TableInfo } from './types.js';
import { createWorkQueue } from './work-queue.js';

const DEFAULT_MAX_RETRIES = 5;

/** Wraps an error thrown by the caller's callbacks: it fails the run as it is, never retried by the engine. */
class CallerFailure {
  constructor(readonly error: unknown) {}
}

/** A reader that lost its connection reconnects after 0.5 s, doubling to 10 s. */
const READER_BACKOFF = { initialMs: 500, maxMs: 10_000 };

export async function runSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const { tables, logger, signal } = options;
  const dialect = dialectFor(options.dialect);
  const fetchSize = options.fetchSize ?? DEFAULT_FETCH_SIZE;
  const maxChunkBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
  const maxThreads = Math.max(1, Math.floor(options.maxThreads ?? 1));
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const readerOptions = { exportedSnapshot: options.exportedSnapshot ?? null, valueFormat: options.valueFormat, logger };
  const shared = dialect.sharedSnapshot(readerOptions);
  if (!(fetchSize >= 1)) throw new ConfigError(`snapshot.fetch.size must be at least 1, got ${fetchSize}`, 'snapshot.fetch.size');
  for (const t of tables) {
    if (t.columns.length === 0) throw new ConfigError(`the column filters exclude every column of table ${t.name}`, 'column.include.list');
  }

  const tracker = createProgressTracker(tables, options.resumeFrom);
  const stats = createStatsTracker(tables, tracker.tablesDone(), tracker.rowsDone());
  const states = new Map<string, TableState>();
  const pending: TableInfo[] = [];
  for (const t of tables) {
    const r = resumeTable(options.resumeFrom, t);
    states.set(t.name, { after: r.after, chunks: r.chunks, gate: null });
    if (!r.done) pending.push(t);
  }
  // Tables estimated empty go first: the snapshot's last chunk then has rows to carry Debezium's `last` marker.
  // Several readers: then the biggest tables, so the last one to finish is not a big one started late.
  pending.sort((a, b) => {
    if ((a.estimatedRows === 0) !== (b.estimatedRows === 0)) return a.estimatedRows === 0 ? -1 : 1;
    return maxThreads > 1 ? b.estimatedRows - a.estimatedRows : 0;
  });

  const queue = createWorkQueue<Task>([]);
  const initial: Task[] = pending.map((table) => {
    const split = shared && maxThreads > 1 && table.chunkKey.length > 0 &&
      table.estimatedRows > 2 * chunkRows(fetchSize, table.avgRowBytes, maxChunkBytes);
    return split ? { kind: 'split', table, producer: queue.producer() } : { kind: 'table', table };
  });
  queue.pushFront(initial);

  let stopped = false;
  let failure = null as { error: unknown } | null;
  // A resumed snapshot already delivered its first chunk in the interrupted run.
  let anyDelivered = tracker.rowsDone() > 0 || tracker.tablesDone() > 0;
  const started = new Set<string>();
  const readers = new Set<ReaderConnection>();
  let resolveStop!: () => void;
  const stopPromise = new Promise<void>((resolve) => (resolveStop = resolve));
  const stop = () => {
    if (stopped) return;
    stopped = true;
    queue.close();
    for (const s of states.values()) s.gate?.release();
    for (const r of readers) r.destroy();
    resolveStop();
  };
  const onAbort = () => stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop();

  let chain: Promise<void> = Promise.resolve();
  const deliver = (table: TableInfo, rows: unknown[][], lastKey: unknown[] | null, lastInTable: boolean): Promise<void> => {
    const run = chain.then(async () => {
      if (stopped) return;
      const state = states.get(table.name)!;
      const index = state.chunks;
      const progress = tracker.chunkDelivered(table, lastKey, rows.length, lastInTable);
      state.after = lastKey;
      state.chunks++;
      stats.rowsDelivered(rows.length);
      if (lastInTable) stats.tableFinished(table);
      const info = {
        index,
        firstInTable: index === 0,
        lastInTable,
        firstInSnapshot: !anyDelivered,
        lastInSnapshot: lastInTable && tracker.tablesDone() === tables.length,
        position: tracker.position(table),
        progress,
      };
      anyDelivered = true;
      // The caller's callback may wait on a full queue; stopping must not wait for it.
      try {
        await Promise.race([options.onChunk({ table, rows, info }), stopPromise]);
        options.onStats?.(stats.current());
      } catch (err) {
        throw new CallerFailure(err);
      }
    });
    chain = run.catch(() => {});
    return run;
  };

  const ctx = {
    dialect, fetchSize, maxChunkBytes, queue, deliver,
    state: (t: TableInfo) => states.get(t.name)!,
    stopped: () => stopped,
    tableStarted(table: TableInfo, position: Parameters<typeof tracker.tableStarted>[1]) {
      tracker.tableStarted(table, position);
      if (started.has(table.name)) return;
      started.add(table.name);
      stats.tableStarted(table);
      logger?.info({ table: table.name, estimatedRows: table.estimatedRows, position }, 'snapshot of table started');
      options.onStats?.(stats.current());
    },
  };

  const readerLoop = async (id: number): Promise<void> => {
    let reader: ReaderConnection | null = null;
    const drop = () => {
      if (reader) {
        readers.delete(reader);
        reader.destroy();
      }
      reader = null;
    };
    try {
      for (let task = await queue.next(); task && !stopped; task = await queue.next()) {
        const current = task;
        await retry(async () => {
          if (stopped) return;
          try {
            if (!reader) {
              reader = await dialect.connect(options.connection, readerOptions);
              readers.add(reader);
              if (stopped) return;
            }
            // A destroyed connection does not always settle its running query; stopping must not wait for it.
            const work = runTask(ctx, reader, current);
            work.catch(() => {});
            await Promise.race([work, stopPromise]);
          } catch (err) {
            if (!(err instanceof CallerFailure)) drop();
            throw err;
          }
        }, {
          backoff: READER_BACKOFF,
          signal,
          maxRetries,
          translate: (err) => (err instanceof CallerFailure ? err : translateDriverError(err, `reading table ${current.table.name}`)),
          retriable: (e) => !stopped && e instanceof CdcError && e.retriable,
          onRetry: (e, _delay, attempt) => logger?.warn({ table: current.table.name, reader: id, attempt, err: (e as Error).message }, 'snapshot reader failed, reconnecting'),
        });
      }
      if (reader) {
        const done: ReaderConnection = reader;
        readers.delete(done);
        reader = null;
        // Nothing is left to read on it; a failing close only means the connection is already gone.
        await done.close().catch(() => done.destroy());
      }
    } catch (err) {
      if (!stopped) {
        failure = { error: err instanceof CallerFailure ? err.error : translateDriverError(err, 'snapshot') };
        stop();
      }
    } finally {
      drop();
    }
  };

  const threads = Math.min(maxThreads, Math.max(1, shared ? maxThreads : pending.length));
  logger?.info({ tables: tables.length, pending: pending.length, readers: threads, fetchSize, sharedSnapshot: shared }, 'snapshot started');
  try {
    if (pending.length > 0) await Promise.all(Array.from({ length: threads }, (_, i) => readerLoop(i)));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw (failure as { error: unknown }).error;
  const result = { completed: tracker.tablesDone() === tables.length, progress: tracker.current(), stats: stats.current() };
  logger?.info({ completed: result.completed, rows: result.stats.rowsDone, tables: result.stats.tablesDone }, 'snapshot finished');
  return result;
}
