/**
 * The PostgreSQL source task: decides between snapshot and streaming from the committed offset, the slot and
 * `snapshot.mode`, runs them in order, and confirms to the slot what Kafka has durably committed.
 */
import type { CommittedOffsets, SnapshotCommand, SourceTask, SourceTaskContext } from '../../connect-api/index.js';
import { PositionLostError } from '../../errors/index.js';
import { DATABASE_BACKOFF, retry } from '../../retry/index.js';
import {
  createSlot, dropSlot, ensurePublication, formatLsn, loadTypeRegistry, parseLsn, readSlot, translatePgError,
  type CreatedSlot, type Lsn, type TypeRegistry,
} from '../../../binlog/postgres/index.js';
import { compileTableFilters, discoverTables, tableFiltersFromConfig, type CompiledTableFilters, type TableInfo } from '../../../snapshot/index.js';
import { createAdminClient, type AdminClient } from './admin-client.js';
import { pgSettings, type PgConnectorSettings } from './config.js';
import { decodeOffset, snapshotCompleted, sourcePartition, type PgOffset } from './offsets.js';
import { checkReplicationRole, checkWalLevel } from './prerequisites.js';
import { runSnapshotPhase } from './snapshot-phase.js';
import { startPlan } from '../shared/start-plan.js';
import { createStreamingSession, type StreamingSession } from './streaming.js';
import type { ResumePoint } from './stream-dispatcher.js';
import { createTableResolver } from './tables.js';
import { createPgIncremental, type PgIncremental } from './incremental.js';
import { createPgChunkSource } from './incremental-source.js';
import { checkSignalTable, isSignalTable, parseSignalTable, type SignalTable } from './signal-table.js';

interface TaskState {
  session: StreamingSession | null;
  topicPrefix: string;
  /** Highest flush LSN committed so far (applied to a session that starts later). */
  committedFlush: Lsn;
  /** After the slot was lost (when_needed): old offsets are stale until the new snapshot commits one. */
  ignoreOffsets: boolean;
  settings: PgConnectorSettings | null;
  /** Ad-hoc snapshots, while streaming with a signal table. */
  incremental: PgIncremental | null;
}

export function createPostgresSourceTask(): SourceTask {
  const state: TaskState = { session: null, topicPrefix: '', committedFlush: 0n, ignoreOffsets: false, settings: null, incremental: null };
  return {
    async run(ctx) {
      const settings = pgSettings(ctx.settings, ctx.connectorName);
      state.settings = settings;
      state.topicPrefix = settings.topicPrefix;
      const admin = createAdminClient(settings.connection);
      try {
        await coordinate(ctx, settings, admin, state);
      } finally {
        state.session = null;
        await admin.close();
      }
    },
    committed(offsets: CommittedOffsets) {
      for (const e of offsets.entries) {
        if (e.partition.server !== state.topicPrefix) continue;
        const o = decodeOffset(e.offset);
        if (!o) continue;
        if (o.snapshot) {
          state.ignoreOffsets = false;
          continue;
        }
        if (o.lsnProc > state.committedFlush) state.committedFlush = o.lsnProc;
        state.session?.confirm(o.lsnProc);
      }
    },
    signal(command: SnapshotCommand): string | null {
      const s = state.settings;
      if (!s) return 'The task is not running yet; retry in a moment.';
      if (!s.signals.dataCollection) {
        return 'Ad-hoc snapshots need a signal table, where they write their chunk watermarks: set signal.data.collection (e.g. public.debezium_signal, '
          + 'a table with columns id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) that the connector user may insert into).';
      }
      if (s.snapshotMode === 'initial_only') return 'snapshot.mode=initial_only does not stream changes, so it takes no ad-hoc snapshots.';
      if (!state.incremental) return 'The connector is not streaming yet (initial snapshot running, or connecting); retry once its task reports phase "streaming".';
      return state.incremental.command(command);
    },
  };
}

/** The configured filters, minus the signal table: its rows are signals, never captured data. */
function withoutSignalTable(filters: CompiledTableFilters, signal: SignalTable | null): CompiledTableFilters {
  if (!signal) return filters;
  return { ...filters, includeTable: (schema, table) => !isSignalTable(signal, schema, table) && filters.includeTable(schema, table) };
}

async function coordinate(ctx: SourceTaskContext, settings: PgConnectorSettings, admin: AdminClient, state: TaskState): Promise<void> {
  let registry: TypeRegistry | null = null;
  await retry(async () => {
    registry ??= await loadTypeRegistry(await admin.get());
    await runOnce(ctx, settings, admin, state, registry);
  }, {
    backoff: DATABASE_BACKOFF,
    signal: ctx.signal,
    maxRetries: settings.maxRetries,
    // Catalog look-ups go through plain pg clients; a server restart surfaces here as a raw driver error.
    translate: (raw) => translatePgError(raw, { action: 'running the connector', user: settings.connection.user, database: settings.connection.database, slot: settings.slotName }),
    special: (err) => {
      if (!(err instanceof PositionLostError) || settings.snapshotMode !== 'when_needed') return undefined;
      ctx.logger.warn({ err }, 'The replication slot is gone; snapshot.mode=when_needed: taking a new snapshot');
      state.ignoreOffsets = true;
      return { retryNow: true };
    },
    onRetry: (err, delay) => ctx.logger.warn({ err, retryInMs: delay }, 'PostgreSQL connector failed with a transient error; retrying'),
  });
}

async function runOnce(ctx: SourceTaskContext, settings: PgConnectorSettings, admin: AdminClient, state: TaskState, registry: TypeRegistry): Promise<void> {
  const log = ctx.logger;
  const mode = settings.snapshotMode;
  const rawOffset = state.ignoreOffsets ? null : ctx.offsets.offset(sourcePartition(settings.topicPrefix));
  const offset: PgOffset | null = decodeOffset(rawOffset);
  const signalTable = mode === 'initial_only' ? null : parseSignalTable(settings.signals.dataCollection);
  const tableFilters = tableFiltersFromConfig(ctx.settings, 'postgres');
  const filters = withoutSignalTable(compileTableFilters(tableFilters), signalTable);
  const resolver = createTableResolver({ client: admin.get, registry, filters, settings });
  const discover = async (): Promise<TableInfo[]> =>
    (await discoverTables({ dialect: 'postgres', connection: settings.connection, filters: tableFilters, logger: log }))
      .filter((t) => !isSignalTable(signalTable, t.id.schema, t.id.table));

  const plan = startPlan(mode, offset ? { snapshotCompleted: snapshotCompleted(offset) } : null);
  if (!plan.stream) {
    if (plan.snapshot === 'none') {
      ctx.reportProgress({ phase: 'done' });
      return;
    }
    const resuming = plan.snapshot === 'resume' ? offset : null;
    const rows = await admin.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const consistentLsn = resuming?.lsn ?? parseLsn(rows[0]!.lsn);
    const result = await runSnapshotPhase({
      ctx, settings, tables: await discover(), resolver, consistentLsn, txId: await snapshotTxId(admin), exportedSnapshot: null, resumeFrom: resuming?.snapshot?.progress ?? null,
    });
    if (!result.completed) return;
    await ctx.sink.flush();
    ctx.reportProgress({ phase: 'done', rowsDone: result.progress.rowsDone });
    return;
  }

  const client = await admin.get();
  await checkWalLevel(client);
  await checkReplicationRole(client, settings.connection.user);
  const tables = await discover();
  // The signal table is read from the change stream, so a filtered publication includes it.
  const published = signalTable ? [...tables.map((t) => t.id), { schema: signalTable.schema, table: signalTable.table }] : tables.map((t) => t.id);
  // A clear message before `ALTER PUBLICATION ... SET TABLE` would fail on a missing signal table.
  if (signalTable && settings.publicationAutocreateMode === 'filtered') await checkSignalTable(client, signalTable, null);
  log.info({ publication: settings.publicationName }, await ensurePublication(client, {
    name: settings.publicationName, mode: settings.publicationAutocreateMode, tables: published, user: settings.connection.user,
  }));
  if (signalTable) await checkSignalTable(client, signalTable, settings.publicationName);

  let slot = await readSlot(client, settings.slotName);
  if (slot?.walStatus === 'lost') {
    if (!offset && !state.ignoreOffsets) log.warn({ slot: settings.slotName }, 'Replication slot has lost required WAL; it is recreated');
    if (plan.fromOffset) throw new PositionLostError(`Replication slot "${settings.slotName}" has lost WAL it needed (wal_status=lost), so changes are missing.`,
      'Use snapshot.mode=when_needed to re-snapshot automatically, or reset the connector offsets and restart it; raise max_slot_wal_keep_size to prevent this.');
    await dropSlot(client, settings.slotName);
    slot = null;
  }

  let resume: ResumePoint;
  if (plan.fromOffset && offset) {
    if (!slot) {
      throw new PositionLostError(`Replication slot "${settings.slotName}" does not exist, but the connector has offsets (last position ${formatLsn(offset.lsnProc)}): changes since then are gone.`,
        'Use snapshot.mode=when_needed to re-snapshot automatically, or reset the connector offsets (or use a new topic.prefix) and restart it to take a new snapshot.');
    }
    if (plan.snapshot === 'resume') {
      log.info({ lsn: formatLsn(offset.lsn) }, 'Resuming the interrupted snapshot');
      const result = await runSnapshotPhase({
        ctx, settings, tables, resolver, consistentLsn: offset.lsn, txId: await snapshotTxId(admin), exportedSnapshot: null, resumeFrom: offset.snapshot?.progress ?? null,
      });
      if (!result.completed) return;
    }
    resume = { flushLsn: offset.lsnProc, commitLsn: offset.lsnCommit, lsn: offset.lsn };
  } else {
    const snapshot = plan.snapshot === 'fresh';
    if (slot && (state.ignoreOffsets || snapshot)) {
      // A slot but no offset to resume from: after a position loss, after the offsets were reset (KIP-875
      // DELETE), a snapshot interrupted before its first commit, or snapshot.mode=always. The slot's position
      // says nothing about the new snapshot, so start over from a fresh slot whose exported snapshot it reads.
      log.info({ slot: settings.slotName }, 'No committed offset: recreating the replication slot for a consistent new snapshot');
      await dropSlot(client, settings.slotName);
      slot = null;
    }
    let created: CreatedSlot | null = null;
    let consistentLsn: Lsn;
    if (slot && slot.confirmedFlushLsn !== null) {
      consistentLsn = slot.confirmedFlushLsn;
      log.info({ slot: settings.slotName, lsn: formatLsn(consistentLsn) }, 'Using the existing replication slot');
    } else {
      created = await createSlot(settings.connection, settings.slotName, snapshot);
      consistentLsn = created.consistentPoint;
      log.info({ slot: settings.slotName, lsn: formatLsn(consistentLsn), snapshot: created.snapshotName }, 'Created replication slot');
    }
    try {
      if (snapshot) {
        const result = await runSnapshotPhase({
          ctx, settings, tables, resolver, consistentLsn, txId: await snapshotTxId(admin), exportedSnapshot: created?.snapshotName ?? null, resumeFrom: null,
        });
        if (!result.completed) return;
      }
    } finally {
      await created?.release();
    }
    resume = { flushLsn: consistentLsn, commitLsn: null, lsn: consistentLsn };
  }

  if (ctx.signal.aborted) return;
  let incremental: PgIncremental | null = null;
  const stopIncremental = new AbortController();
  const abort = (): void => stopIncremental.abort();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    if (signalTable) {
      const source = createPgChunkSource({ settings, filters: tableFilters, signalTable, tables, logger: log, signal: stopIncremental.signal });
      // Restored from the offset streaming resumes from: chunks emitted after it are read (and emitted) again.
      incremental = createPgIncremental({ settings, source, resolver, filters, signalTable, offset: offset?.snapshot ? null : rawOffset, logger: log });
      incremental.start(stopIncremental.signal);
      state.incremental = incremental;
    }
    const session = createStreamingSession({ ctx, settings, admin, tables: resolver, resume, incremental });
    state.session = session;
    if (state.committedFlush > 0n) session.confirm(state.committedFlush);
    await session.run();
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    stopIncremental.abort();
    state.incremental = null;
    await incremental?.close();
  }
}

/**
 * A transaction id for the snapshot's events (Debezium reports its snapshot transaction's): one is assigned now.
 * A server that cannot assign one (a standby) gives null.
 */
async function snapshotTxId(admin: AdminClient): Promise<number | null> {
  try {
    const rows = await admin.query<{ xid: string }>('SELECT txid_current()::text AS xid');
    return Number(rows[0]!.xid);
  } catch {
    return null;
  }
}
