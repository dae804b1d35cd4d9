/**
 * Reading one unit of work on one reader connection: a whole table (keyset chunks, or one streamed pass when
 * there is no chunk key), a table split into ranges (shared snapshot only), or one such range.
 */
import {
  bindKeyParams, boundaryQuery, chunkKeyIndexes, chunkRows, fullScanQuery, keysetQueries, maxKeyQuery, planRanges, rangeQuery, trimBoundaries,
} from './chunk-planner.js';
import type { ReaderConnection, SnapshotDialect } from './dialect.js';
import type { WorkQueue, OrderGate } from './work-queue.js';
import { createOrderGate } from './work-queue.js';
import type { BinlogPosition, TableInfo } from './types.js';

export type Task =
  | { kind: 'table'; table: TableInfo }
  | { kind: 'split'; table: TableInfo; producer: { done(): void } }
  | { kind: 'range'; table: TableInfo; seq: number; lower: unknown[] | null; upper: unknown[] | null; last: boolean };

/** Per-table state, advanced only when a chunk is delivered, so a retry continues after the last delivered chunk. */
export interface TableState {
  after: unknown[] | null;
  chunks: number;
  gate: OrderGate | null;
}

export interface TaskContext {
  dialect: SnapshotDialect;
  fetchSize: number;
  maxChunkBytes: number;
  queue: WorkQueue<Task>;
  state(table: TableInfo): TableState;
  tableStarted(table: TableInfo, position: BinlogPosition | null): void;
  /** Hands a chunk to the caller (serialised); resolves once the caller's callback resolved. */
  deliver(table: TableInfo, rows: unknown[][], lastKey: unknown[] | null, lastInTable: boolean): Promise<void>;
  stopped(): boolean;
}

function keyOf(row: readonly unknown[], indexes: readonly number[]): unknown[] {
  return indexes.map((i) => row[i]);
}

export async function runTask(ctx: TaskContext, reader: ReaderConnection, task: Task): Promise<void> {
  switch (task.kind) {
    case 'table':
      return readTable(ctx, reader, task.table);
    case 'split':
      return splitTable(ctx, reader, task.table, task.producer);
    case 'range':
      return readRange(ctx, reader, task);
  }
}

async function readTable(ctx: TaskContext, reader: ReaderConnection, table: TableInfo): Promise<void> {
  const { dialect } = ctx;
  const state = ctx.state(table);
  const n = chunkRows(ctx.fetchSize, table.avgRowBytes, ctx.maxChunkBytes);
  ctx.tableStarted(table, await reader.beginTable());
  if (table.chunkKey.length === 0) {
    await reader.stream(fullScanQuery(dialect.flavor, table), n, (rows, last) => ctx.deliver(table, rows, null, last));
  } else {
    // One row more than the chunk tells whether this chunk is the table's last; that row is read again next time.
    const queries = keysetQueries(dialect.flavor, table, n + 1);
    const keyIndexes = chunkKeyIndexes(table);
    for (;;) {
      if (ctx.stopped()) return;
      const after = state.after;
      const rows = after
        ? await reader.query(queries.next.sql, bindKeyParams(queries.next, dialect.keyParams(table, after), null))
        : await reader.query(queries.first.sql, []);
      const last = rows.length <= n;
      if (!last) rows.length = n;
      const lastKey = rows.length > 0 ? keyOf(rows[rows.length - 1]!, keyIndexes) : after;
      reader.finishRows(rows);
      await ctx.deliver(table, rows, lastKey, last);
      if (last) break;
    }
  }
  await reader.endTable();
}

async function splitTable(ctx: TaskContext, reader: ReaderConnection, table: TableInfo, producer: { done(): void }): Promise<void> {
  const { dialect } = ctx;
  const state = ctx.state(table);
  const n = chunkRows(ctx.fetchSize, table.avgRowBytes, ctx.maxChunkBytes);
  ctx.tableStarted(table, await reader.beginTable());
  const after = state.after;
  const query = boundaryQuery(dialect.flavor, table, n, after !== null);
  const boundaries = await reader.query(query.sql, bindKeyParams(query, after && dialect.keyParams(table, after), null));
  const [maxKey] = await reader.query(maxKeyQuery(dialect.flavor, table), []);
  const ranges = planRanges<unknown[]>(after, trimBoundaries(boundaries, maxKey));
  state.gate = createOrderGate();
  ctx.queue.pushFront(ranges.map((r, seq) => ({ kind: 'range', table, seq, lower: r.lower, upper: r.upper, last: seq === ranges.length - 1 })));
  producer.done();
}

async function readRange(ctx: TaskContext, reader: ReaderConnection, task: Extract<Task, { kind: 'range' }>): Promise<void> {
  const { dialect } = ctx;
  const { table } = task;
  const state = ctx.state(table);
  await reader.beginTable();
  const query = rangeQuery(dialect.flavor, table, task.lower !== null, task.upper !== null);
  const params = bindKeyParams(query, task.lower && dialect.keyParams(table, task.lower), task.upper && dialect.keyParams(table, task.upper));
  const rows = await reader.query(query.sql, params);
  const lastKey = rows.length > 0 ? keyOf(rows[rows.length - 1]!, chunkKeyIndexes(table)) : (task.upper ?? task.lower);
  reader.finishRows(rows);
  await state.gate!.turn(task.seq);
  if (ctx.stopped()) return;
  await ctx.deliver(table, rows, lastKey, task.last);
  state.gate!.advance(task.seq);
}
