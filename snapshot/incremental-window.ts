/**
 * The dedup window of an incremental (ad-hoc) snapshot chunk, after DBLog (Andreadis & Netflix, 2019) as in
 * Debezium's incremental snapshots. Pure: no I/O, positions are opaque to it.
 *
 * A chunk is read while streaming goes on. The stream marks where the read happened with two watermarks:
 * `low` (before the chunk's SELECT) and `high` (after it). Every streamed change between them of a key that is
 * in the chunk may be newer than the row the SELECT saw, so that row is dropped: the streamed change (emitted
 * as usual) already carries a state at least as new. At `high` the remaining rows are emitted, before any
 * event after `high`; a later change then lands on top of them. A key deleted inside the window is dropped
 * from the chunk, so it is never resurrected.
 *
 * When the chunk is read at an exact change-log position (MariaDB: `START TRANSACTION WITH CONSISTENT SNAPSHOT`
 * reports its binlog position), `low` and `high` are that same position: the window is empty and the chunk is
 * emitted exactly where its state holds.
 *
 *   const w = createChunkWindow<Row>();
 *   w.load(rows.map((r) => [keyString(r), r]));   // the chunk as read, in key order
 *   // stream: on the low watermark → w.open(); on each change of this table → w.changed(keyString(change));
 *   // on the high watermark → emit w.close()
 */
export interface ChunkWindow<R> {
  /** The chunk's rows with their key strings (same encoding as `changed`), in the order to emit them. */
  load(rows: Iterable<readonly [string, R]>): void;
  /** The low watermark passed in the stream: changes from now on shadow chunk rows of the same key. */
  open(): void;
  /** A streamed change (insert, update, delete; old and new key for a key change) of the chunk's table. */
  changed(key: string): void;
  /** The high watermark passed: the rows to emit now (chunk order, shadowed keys left out); resets the window. */
  close(): R[];
  readonly isOpen: boolean;
  /** Keys dropped so far in this window (for progress/logs). */
  readonly dropped: number;
}

export function createChunkWindow<R>(): ChunkWindow<R> {
  let rows = new Map<string, R>();
  // Changes may arrive after `open` but before the SELECT returns (load): remember their keys until then.
  let shadowed = new Set<string>();
  let open = false;
  let loaded = false;
  let dropped = 0;
  return {
    load(entries) {
      for (const [key, row] of entries) {
        if (shadowed.has(key)) dropped++;
        else rows.set(key, row);
      }
      loaded = true;
    },
    open() {
      open = true;
    },
    changed(key) {
      if (!open) return;
      if (!loaded) shadowed.add(key);
      else if (rows.delete(key)) dropped++;
    },
    close() {
      const out = [...rows.values()];
      rows = new Map();
      shadowed = new Set();
      open = false;
      loaded = false;
      dropped = 0;
      return out;
    },
    get isOpen() {
      return open;
    },
    get dropped() {
      return dropped;
    },
  };
}
