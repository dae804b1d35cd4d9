/**
 * Resumable progress: what is done, where each partly read table stopped, and the binlog positions tables were
 * read at. Pure functions; the engine keeps one `ProgressTracker` and hands out immutable copies per chunk.
 */
import type { BinlogPosition, JsonKeyValue, SnapshotProgress, TableInfo } from './types.js';

export function emptyProgress(): SnapshotProgress {
  return { v: 1, done: [], partial: {}, positions: {}, rowsDone: 0 };
}

/** Checks the shape of a value read back from a source offset. */
export function isSnapshotProgress(value: unknown): value is SnapshotProgress {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    p.v === 1 &&
    Array.isArray(p.done) &&
    typeof p.partial === 'object' && p.partial !== null &&
    typeof p.positions === 'object' && p.positions !== null &&
    typeof p.rowsDone === 'number'
  );
}

/** Driver key values → JSON: Buffers as base64, bigints as strings, Dates as ISO strings. */
export function encodeKey(values: readonly unknown[]): JsonKeyValue[] {
  return values.map((v) => {
    if (v === null || v === undefined) return null;
    if (Buffer.isBuffer(v)) return { b64: v.toString('base64') };
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return String(v);
  });
}

/** JSON key → query parameters. */
export function decodeKey(values: readonly JsonKeyValue[]): unknown[] {
  return values.map((v) => (v !== null && typeof v === 'object' ? Buffer.from(v.b64, 'base64') : v));
}

function fileSequence(file: string): number {
  const m = /\.(\d+)$/.exec(file);
  return m ? Number(m[1]) : -1;
}

/** Orders binlog positions by file sequence number, then byte offset. */
export function compareBinlogPositions(a: BinlogPosition, b: BinlogPosition): number {
  const fa = fileSequence(a.file);
  const fb = fileSequence(b.file);
  if (fa !== fb) return fa - fb;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.pos - b.pos;
}

/** The earliest position among tables: where streaming must start. Null when there is none. */
export function minBinlogPosition(positions: Readonly<Record<string, BinlogPosition>>): BinlogPosition | null {
  let min: BinlogPosition | null = null;
  for (const p of Object.values(positions)) if (min === null || compareBinlogPositions(p, min) < 0) min = p;
  return min;
}

/** Where to start reading a table, derived from stored progress. */
export interface TableResume {
  done: boolean;
  /** Decoded key of the last delivered row; null = from the start. */
  after: unknown[] | null;
  chunks: number;
  rows: number;
}

/**
 * How to continue each table from `progress`. A partial entry is used only when its chunk key is still the
 * table's chunk key; otherwise the table starts over (at-least-once: earlier rows are delivered again).
 */
export function resumeTable(progress: SnapshotProgress | null | undefined, table: TableInfo): TableResume {
  if (!progress) return { done: false, after: null, chunks: 0, rows: 0 };
  if (progress.done.includes(table.name)) return { done: true, after: null, chunks: 0, rows: 0 };
  const partial = progress.partial[table.name];
  if (partial && sameColumns(partial.chunkKey, table.chunkKey) && partial.after.length === table.chunkKey.length) {
    return { done: false, after: decodeKey(partial.after), chunks: partial.chunks, rows: partial.rows };
  }
  return { done: false, after: null, chunks: 0, rows: 0 };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

export interface ProgressTracker {
  /** Records a delivered chunk and returns the progress including it. */
  chunkDelivered(table: TableInfo, lastKey: readonly unknown[] | null, rows: number, lastInTable: boolean): SnapshotProgress;
  /** Records the position a table's first chunk is read at; keeps an earlier one (from a previous run). */
  tableStarted(table: TableInfo, position: BinlogPosition | null): void;
  position(table: TableInfo): BinlogPosition | null;
  tablesDone(): number;
  rowsDone(): number;
  current(): SnapshotProgress;
}

/**
 * Tracks progress of the tables in `tables`. Entries of tables no longer selected are dropped, so the value
 * stays small and a table added later is read in full.
 */
export function createProgressTracker(tables: readonly TableInfo[], resumeFrom: SnapshotProgress | null | undefined): ProgressTracker {
  const names = new Set(tables.map((t) => t.name));
  const done: string[] = [];
  const partial: SnapshotProgress['partial'] = {};
  const positions: SnapshotProgress['positions'] = {};
  let rowsDone = 0;
  let floor: BinlogPosition | undefined;
  const resumed = resumeFrom !== null && resumeFrom !== undefined;
  if (resumeFrom) {
    // Offsets written before `floor` existed: the earliest committed position is the best bound known.
    floor = resumeFrom.floor ?? minBinlogPosition(resumeFrom.positions) ?? undefined;
    for (const t of tables) {
      const r = resumeTable(resumeFrom, t);
      if (r.done) done.push(t.name);
      else if (r.after) partial[t.name] = { ...resumeFrom.partial[t.name]! };
      const pos = resumeFrom.positions[t.name];
      if (pos && (r.done || r.after)) positions[t.name] = pos;
    }
    rowsDone = resumeFrom.rowsDone;
  }
  const snapshot = (): SnapshotProgress => ({
    v: 1, done: done.slice(), partial: { ...partial }, positions: { ...positions }, rowsDone, ...(floor ? { floor } : {}),
  });
  return {
    chunkDelivered(table, lastKey, rows, lastInTable) {
      if (!names.has(table.name)) throw new Error(`table ${table.name} is not part of this snapshot`);
      rowsDone += rows;
      if (lastInTable) {
        delete partial[table.name];
        done.push(table.name);
      } else if (lastKey && table.chunkKey.length > 0) {
        const prev = partial[table.name];
        partial[table.name] = {
          chunkKey: table.chunkKey,
          after: encodeKey(lastKey),
          chunks: (prev?.chunks ?? 0) + 1,
          rows: (prev?.rows ?? 0) + rows,
        };
      }
      return snapshot();
    },
    tableStarted(table, position) {
      if (!position || positions[table.name]) return;
      floor ??= position;
      positions[table.name] = resumed && compareBinlogPositions(floor, position) < 0 ? floor : position;
    },
    position: (table) => positions[table.name] ?? null,
    tablesDone: () => done.length,
    rowsDone: () => rowsDone,
    current: snapshot,
  };
}
