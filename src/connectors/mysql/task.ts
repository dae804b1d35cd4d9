/**
 * The task: a coordinator that decides from the stored offset and `snapshot.mode` whether to snapshot, then
 * streams the binlog until stopped. Retriable failures (server restarts, network) restart the reader with
 * backoff from the position after the last record handed to the sink.
 */
import type { SnapshotCommand, SourceTask, SourceTaskContext } from '../../connect-api/index.js';
import { PositionLostError } from '../../errors/index.js';
import { startBinlogReader, type BinlogResumePosition } from '../../../binlog/mysql/index.js';
import type { BinlogConnectorName } from '../../../schemas/index.js';
import { mysqlSettings, type MySqlSettings } from './config.js';
import { decodeOffset, sourcePartition, type MySqlOffset, type TablePositions } from './offsets.js';
import { inspectServer, prerequisiteError } from './prerequisites.js';
import { createMySqlIncremental, type MySqlIncremental } from './incremental.js';
import { DATABASE_BACKOFF, databaseRetryPolicy, retry } from '../../retry/index.js';
import { createRecordFactory, type RecordFactory } from './change-events.js';
import { gtidsAt, masterPosition, withServer, withServerTls, type Flavour, type MasterPosition } from './server.js';
import { runSnapshotPhase } from './snapshot-phase.js';
import { startPlan } from '../shared/start-plan.js';
import { snapshotSchemaEvents } from './schema-changes.js';
import { discoverTables } from '../../../snapshot/index.js';
import { createStreamDispatcher } from './stream-dispatcher.js';
import { createTableRegistry, type TableRegistry } from './tables.js';

interface Session {
  ctx: SourceTaskContext;
  settings: MySqlSettings;
  flavour: Flavour;
  registry: TableRegistry;
  factory: RecordFactory;
  /** Ad-hoc snapshots; null without signal.data.collection. */
  incremental: MySqlIncremental | null;
  /** Reports streaming progress now (set while streaming). */
  report?: () => void;
}

/** Runs one of the task's own steps with the database retry policy its settings say (`errors.max.retries`). */
function retrying<T>(s: Pick<Session, 'ctx' | 'settings'>, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  return retry(fn, databaseRetryPolicy(retryContext(s), what));
}

const retryContext = (s: Pick<Session, 'ctx' | 'settings'>) => ({ signal: s.ctx.signal, logger: s.ctx.logger, maxRetries: s.settings.maxRetries });

async function snapshotThenStart(s: Session, resumeFrom: MySqlOffset['snapshot']): Promise<{ start: BinlogResumePosition; tablePositions: TablePositions } | null> {
  const before = await withServer(s.settings.connection, 'reading the binlog position', (q) => masterPosition(q, s.flavour));
  const r = await runSnapshotPhase({
    ctx: s.ctx, settings: s.settings, flavour: s.flavour, registry: s.registry, factory: s.factory,
    resumeFrom: resumeFrom?.progress ?? null, before,
  });
  if (!r.completed) return null;
  return { start: { file: r.start.file, pos: r.start.pos, gtids: r.start.gtids, event: 0, row: 0 }, tablePositions: r.tablePositions };
}

async function stream(s: Session, start: BinlogResumePosition, tablePositions: TablePositions | null): Promise<void> {
  const { ctx, settings } = s;
  const dispatcher = createStreamDispatcher({
    settings, factory: s.factory, registry: s.registry, sink: ctx.sink, logger: ctx.logger, start, tablePositions,
    incremental: s.incremental,
  });
  let lastReport = 0;
  let lastActive: string | null = null;
  const report = () => {
    const p = dispatcher.position();
    const incremental = s.incremental?.snapshotter.progress() ?? null;
    lastActive = s.incremental?.snapshotter.current ?? null;
    ctx.reportProgress({ phase: 'streaming', file: p.file, pos: p.pos, gtids: p.gtids, rows: dispatcher.rows, incrementalSnapshot: incremental });
  };
  s.report = report;
  // Chunks are read only while streaming: their watermarks must come back through the stream.
  if (s.incremental && !incrementalStarted.has(s)) {
    incrementalStarted.add(s);
    s.incremental.snapshotter.start(ctx.signal);
  }
  const heartbeat = settings.heartbeatIntervalMs > 0
    ? setInterval(() => { dispatcher.heartbeat().catch((err) => ctx.logger.warn({ err }, 'heartbeat not sent')); }, settings.heartbeatIntervalMs)
    : null;
  // Changes committed from now on are read: the start position was fixed before this point
  report();
  try {
    // A reader that delivered rows before it failed starts a fresh retry budget: a stream may fail once a day.
    await retry(async (attempt) => {
      let from = dispatcher.position();
      if (from.gtids === null && s.flavour === 'mariadb') {
        const at = from;
        const gtids = await retrying(s, 'reading the GTID position', () =>
          withServer(settings.connection, 'reading the GTID position', (q) => gtidsAt(q, at.file, at.pos)));
        from = { ...from, gtids: gtids ?? null };
      }
      // zongji's connections cannot fall back from TLS to plain: settle database.ssl.mode=preferred first
      const connection = await withServerTls(settings.connection, 'negotiating TLS for the binlog connection');
      const reader = startBinlogReader({
        connection,
        serverId: settings.serverId,
        start: from,
        resumeBy: s.flavour === 'mariadb' && from.gtids ? 'gtid' : 'position',
        includeTable: s.incremental
          ? (database, table) => s.registry.includeTable(database, table) || s.incremental!.isSignalTable(database, table)
          : s.registry.includeTable,
        deliver: async (items) => {
          await dispatcher.deliver(items);
          attempt.progressed();
          const now = Date.now();
          if (now - lastReport > 1000 || (s.incremental?.snapshotter.current ?? null) !== lastActive) { lastReport = now; report(); }
        },
        maxBatchRows: settings.maxBatchSize,
        maxQueueRows: settings.maxQueueSize,
        maxQueueBytes: settings.maxQueueBytes,
        pollIntervalMs: settings.pollIntervalMs,
        logger: ctx.logger,
      });
      const onAbort = () => { void reader.stop(); };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      // Stopped while the reader was being set up (the awaits above): the listener came too late to fire.
      if (ctx.signal.aborted) onAbort();
      try {
        await reader.done;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    }, databaseRetryPolicy(retryContext(s), 'reading the binlog', {
      onRetry: (err, delayMs, attempt) => ctx.logger.warn({ err, attempt, retryInMs: delayMs }, 'binlog reader failed; reconnecting'),
    }));
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    s.report = undefined;
    report();
  }
}

const incrementalStarted = new WeakSet<Session>();

export function createMySqlTask(connector: BinlogConnectorName): SourceTask {
  let session: Session | null = null;
  let signalTable: string | null | undefined; // undefined: run() has not read the config yet
  return {
    signal(command: SnapshotCommand): string | null {
      if (signalTable === null) {
        return 'ad-hoc snapshots need signal.data.collection: the signal table (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048)) the connector writes its chunk watermarks into';
      }
      if (!session?.incremental) return 'the task is still starting; try again in a moment';
      const refused = session.incremental.snapshotter.command(command);
      session.report?.();
      return refused;
    },
    async run(ctx) {
      const settings = mysqlSettings(ctx.settings, ctx.connectorName);
      signalTable = settings.signals.dataCollection;
      const partial: Omit<Session, 'flavour' | 'registry'> = {
        ctx, settings, incremental: null,
        factory: createRecordFactory({
          connector, topicPrefix: settings.topicPrefix, heartbeatTopic: settings.heartbeatTopic,
          partition: sourcePartition(settings.topicPrefix),
          tombstonesOnDelete: settings.tombstonesOnDelete, skipped: settings.skipped, transactionTopic: settings.transactionTopic,
        }),
      };
      const inspected = await retrying(partial, 'connecting to the server',
        () => inspectServer(settings));
      if (!inspected) return;
      const problem = prerequisiteError(inspected.problems);
      if (problem) throw problem;
      const flavour = inspected.info.flavour;
      const s: Session = {
        ...partial, flavour,
        registry: createTableRegistry({
          dialect: flavour, connection: { ...settings.connection }, filters: settings.filters,
          topicPrefix: settings.topicPrefix, modes: settings.modes, logger: ctx.logger,
        }),
      };

      if (settings.signals.dataCollection) {
        const dataCollection = settings.signals.dataCollection;
        const inc = await retrying(s, 'preparing ad-hoc snapshots', () => createMySqlIncremental({
          ctx, settings, flavour, registry: s.registry, signalTable: dataCollection, onActivity: () => s.report?.(),
        }));
        if (!inc) return;
        s.incremental = inc;
        ctx.signal.addEventListener('abort', () => inc.close(), { once: true });
        if (ctx.signal.aborted) inc.close();
      }
      session = s;

      const stored = ctx.offsets.offset(sourcePartition(settings.topicPrefix));
      const offset = stored ? decodeOffset(stored) : null;
      const mode = settings.snapshotMode;
      ctx.logger.info({ mode, offset: offset ? { ...offset.position, snapshot: offset.snapshot !== null } : null, flavour }, 'MySQL task starting');

      let start: BinlogResumePosition;
      let tablePositions: TablePositions | null = null;
      const plan = startPlan(mode, offset);
      if (plan.snapshot === 'none' && !plan.stream) return;
      if (plan.snapshot !== 'none') {
        const resume = plan.snapshot === 'resume' ? offset!.snapshot : null;
        const r = await retrying(s, 'snapshot', () => snapshotThenStart(s, resume));
        if (!r) return;
        if (!plan.stream) {
          await ctx.sink.flush();
          ctx.reportProgress({ phase: 'done' });
          return;
        }
        start = r.start;
        tablePositions = r.tablePositions;
      } else if (plan.fromOffset && offset) {
        start = offset.position;
        tablePositions = offset.tablePositions;
        s.incremental?.snapshotter.restore(offset.incremental ?? null);
      } else {
        const p: MasterPosition | undefined = await retrying(s, 'reading the binlog position', () =>
          withServer(settings.connection, 'reading the binlog position', (q) => masterPosition(q, flavour)));
        if (!p) return;
        start = { file: p.file, pos: p.pos, gtids: p.gtids, event: 0, row: 0 };
        // snapshot.mode=no_data still snapshots the schema, as Debezium: the captured tables' DDL events first
        if (settings.includeSchemaChanges) {
          const sent = await retrying(s, 'reading table definitions', async () => {
            const tables = await discoverTables({ dialect: flavour, connection: { ...settings.connection }, filters: settings.filters, logger: ctx.logger });
            await ctx.sink.send(await withServer(settings.connection, 'reading table definitions', (q) => snapshotSchemaEvents(q, tables, s.factory, p)));
            return true;
          });
          if (!sent) return;
        }
      }

      // stream() retries transient failures itself; the one exit here is a position the server no longer has.
      let resnapshot = false;
      await retry(async () => {
        if (resnapshot) {
          const r = await retrying(s, 'snapshot', () => snapshotThenStart(s, null));
          if (!r) return;
          start = r.start;
          tablePositions = r.tablePositions;
          resnapshot = false;
        }
        await stream(s, start, tablePositions);
      }, {
        backoff: DATABASE_BACKOFF,
        signal: ctx.signal,
        retriable: () => false,
        special: (err) => {
          if (!(err instanceof PositionLostError) || mode !== 'when_needed') return undefined;
          ctx.logger.warn({ err }, 'stored binlog position is gone; snapshot.mode=when_needed takes a new snapshot');
          resnapshot = true;
          return { retryNow: true };
        },
      });
    },
  };
}
