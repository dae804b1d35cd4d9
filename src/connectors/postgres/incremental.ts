/**
 * Ad-hoc (incremental) snapshots in the PostgreSQL task: the shared snapshotter (snapshot/incremental.ts) fed
 * by the stream dispatcher, reading chunks through `PgChunkSource`, and the hooks the dispatcher calls in
 * stream order. Chunk rows become `op: r` records (`source.snapshot = "incremental"`) built exactly like the
 * initial snapshot's, emitted where the chunk's close watermark is in the stream.
 *
 * A failing chunk read does not stop streaming: the source retries transient failures (connection lost) itself;
 * any other failure (e.g. a bad additional condition) drops that table from the snapshot (the snapshotter does)
 * and shows in the log and in the task's progress (`incrementalSnapshotError`).
 */
import type { ChangeRecord, SnapshotCommand } from '../../connect-api/index.js';
import type { Logger } from '../../logging/index.js';
import type { Relation } from '../../../binlog/postgres/index.js';
import type { PostgresSourceValue } from '../../../schemas/index.js';
import {
  createIncrementalSnapshotter, parseSnapshotSignal, type CompiledTableFilters, type IncrementalSnapshotter, type TableInfo,
} from '../../../snapshot/index.js';
import { snapshotReadEvent } from './change-events.js';
import type { PgConnectorSettings } from './config.js';
import type { PgChunkRow, PgChunkSource } from './incremental-source.js';
import type { SignalTable } from './signal-table.js';
import type { TableSchema } from './table-schema.js';
import type { TableResolver } from './tables.js';

/** What the stream dispatcher calls, in stream order. */
export interface IncrementalStreamHooks {
  readonly signalTable: SignalTable;
  /** An INSERT into the signal table (a watermark, or a command when the `source` channel is enabled). */
  onSignalRow(id: string, type: string, data: string | null): Promise<void>;
  /** The table being read (`schema.table`), null when none: changes of other tables need no `onChange`. */
  activeTable(): string | null;
  /** Chunk-key columns of a captured table (`schema.table`), or null: its changes need no `onChange`. */
  keyColumns(table: string): readonly string[] | null;
  onChange(table: string, key: unknown[]): void;
  /** A TRUNCATE of a captured table: a chunk of it read before it must not bring its rows back. */
  onTruncate(table: string): void;
  /** A Relation message of a captured table: picks up new tables and changed columns. */
  onRelation(relation: Relation): Promise<void>;
  /** After a close watermark: the chunk's records to emit right there, with the given source block. */
  takeRecords(source: (t: TableSchema) => PostgresSourceValue, nowMs: number): Promise<ChangeRecord[]>;
  /** Merged into every stream offset ({} when idle). */
  offsetFields(): Record<string, string>;
}

export interface PgIncremental {
  hooks: IncrementalStreamHooks;
  command(cmd: SnapshotCommand): string | null;
  /** For the progress report: the snapshotter's progress, or null when none runs. */
  progress(): Record<string, unknown> | null;
  /** The last failure that abandoned an ad-hoc snapshot (until the next one starts), for the progress report. */
  lastError(): string | null;
  start(signal: AbortSignal): void;
  close(): Promise<void>;
}

export interface PgIncrementalOptions {
  settings: PgConnectorSettings;
  source: PgChunkSource;
  resolver: TableResolver;
  filters: CompiledTableFilters;
  signalTable: SignalTable;
  /** The committed source offset the stream resumes from (its incremental context is restored). */
  offset: Readonly<Record<string, unknown>> | null;
  logger: Logger;
}

const WATERMARKS = new Set(['snapshot-window-open', 'snapshot-window-close']);

export function createPgIncremental(o: PgIncrementalOptions): PgIncremental {
  const log = o.logger;
  const schemas = new WeakMap<TableInfo, Promise<TableSchema>>();
  let failure: string | null = null;
  // Tables truncated since the last open watermark (the snapshotter only tracks keys).
  const truncated = new Set<string>();

  const current: IncrementalSnapshotter<PgChunkRow> = createIncrementalSnapshotter<PgChunkRow>({
    source: o.source, chunkSize: o.settings.signals.chunkSize, logger: log,
    onError(err, table) {
      failure = `${table}: ${err instanceof Error ? err.message : String(err)}`;
    },
  });
  current.restore(o.offset);

  function schemaOf(info: TableInfo): Promise<TableSchema> {
    let s = schemas.get(info);
    if (!s) {
      s = o.resolver.forSnapshot(info);
      s.catch(() => schemas.delete(info));
      schemas.set(info, s);
    }
    return s;
  }

  /** Tables named by an execute-snapshot signal that are not known yet (created after the task started). */
  async function learnTables(id: string, type: string, data: string | null): Promise<void> {
    const parsed = parseSnapshotSignal(id, type, data);
    if (parsed.ok !== true || parsed.command.kind !== 'execute') return;
    for (const name of parsed.command.dataCollections) {
      const dot = name.indexOf('.');
      if (dot <= 0 || typeof o.source.resolve(name) !== 'string') continue;
      const [schema, table] = [name.slice(0, dot), name.slice(dot + 1)];
      if (o.filters.includeTable(schema, table)) await o.source.refresh({ schema, table });
    }
  }

  const hooks: IncrementalStreamHooks = {
    signalTable: o.signalTable,
    async onSignalRow(id, type, data) {
      if (type === 'snapshot-window-open') truncated.clear();
      if (!WATERMARKS.has(type)) {
        if (!o.settings.signals.channels.has('source')) {
          log.debug({ id, type }, 'signal row ignored: the source channel is not in signal.enabled.channels');
          return;
        }
        await learnTables(id, type, data);
        if (type === 'execute-snapshot') failure = null;
      }
      current.onSignalRow(id, type, data);
    },
    activeTable: () => current.current,
    keyColumns: (table) => o.source.keyColumns(table),
    onChange: (table, key) => current.onChange(table, key),
    onTruncate: (table) => void truncated.add(table),
    async onRelation(rel) {
      const name = `${rel.schema}.${rel.table}`;
      const known = o.source.keyColumns(name);
      if (known !== null && !columnsChanged(rel)) return;
      await o.source.refresh({ schema: rel.schema, table: rel.table });
    },
    async takeRecords(source, nowMs) {
      const emit = current.takeEmit();
      if (!emit || emit.rows.length === 0) return [];
      if (truncated.has(emit.table.name)) {
        // Every row that exists after the truncate was inserted after it, and streamed: the chunk is stale.
        log.info({ table: emit.table.name, rows: emit.rows.length }, 'Ad-hoc snapshot chunk dropped: the table was truncated while it was read');
        return [];
      }
      const out: ChangeRecord[] = [];
      for (let i = 0; i < emit.rows.length; i++) {
        const row = emit.rows[i]!;
        const t = await schemaOf(row.info);
        snapshotReadEvent(out, t, row.values, source(t), nowMs);
      }
      return out;
    },
    offsetFields: () => current.offsetFields(),
  };

  /** Whether the captured columns of a relation differ from the definition chunks are read with. */
  function columnsChanged(rel: Relation): boolean {
    const known = o.source.info(`${rel.schema}.${rel.table}`);
    if (!known) return true;
    const wanted = rel.columns.filter((c) => o.filters.includeColumn(rel.schema, rel.table, c.name)).map((c) => c.name);
    const have = known.columns.map((c) => c.name);
    return wanted.length !== have.length || wanted.some((n, i) => n !== have[i]);
  }

  return {
    hooks,
    command(cmd) {
      const refused = current.command(cmd);
      if (refused === null && cmd.kind === 'execute') failure = null;
      return refused;
    },
    progress: () => current.progress(),
    lastError: () => failure,
    start: (signal) => current.start(signal),
    close: () => o.source.close(),
  };
}
