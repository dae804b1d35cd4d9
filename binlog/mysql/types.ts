import type { DdlStatement } from './ddl.js';
import type { WireTable } from './zongji-adapter.js';

/**
 * Where to (re)start reading, transaction-aware as Debezium's MySQL offsets are: `file`/`pos` is the start of
 * a transaction (or a point between transactions), and `event`/`row` say how much of that transaction was
 * already delivered, so a restart re-reads at most the transaction in flight and skips what was delivered.
 */
export interface BinlogResumePosition {
  file: string;
  pos: number;
  /** Executed GTIDs before the transaction at file/pos, in the server's notation; null when unknown. */
  gtids: string | null;
  /** Row events of the transaction at file/pos already delivered. */
  event: number;
  /** Rows of row event number `event` already delivered. */
  row: number;
}

/** One transaction (or standalone statement group). Shared by all items of the transaction. */
export interface BinlogTransaction {
  /** Start of the group in the binlog. */
  file: string;
  pos: number;
  /** The transaction's own GTID; null for anonymous transactions. */
  gtid: string | null;
  /** Executed GTIDs before this transaction; null when unknown. */
  gtidsBefore: string | null;
  /** Commit time on the source, in seconds. */
  tsSec: number;
  /** Id of the originating server (from the MariaDB GTID), 0 when unknown. */
  serverId: number;
  thread: number | null;
}

export type BinlogItem =
  /** One row event: rows[firstRow..] are new (earlier ones were delivered before a restart). */
  | { kind: 'rows'; op: 'c' | 'u' | 'd'; table: WireTable; rows: readonly unknown[]; firstRow: number; event: number; tx: BinlogTransaction;
    /** Where the rows event starts in `tx.file`. */
    pos: number }
  /** `pos`: where the statement's query event starts. */
  | { kind: 'ddl'; statement: DdlStatement; sql: string; database: string; tx: BinlogTransaction; after: BinlogResumePosition; pos: number }
  /** The transaction is complete; `after` is where reading continues. */
  | { kind: 'commit'; tx: BinlogTransaction; after: BinlogResumePosition };

export type { WireTable };
