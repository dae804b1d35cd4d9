/**
 * The streaming phase: reads the slot through the replication stream, dispatches changes, confirms to the
 * slot what Kafka has committed, sends heartbeats, reports progress, and reconnects with backoff after
 * transient failures (server restart, network) from the last position handed to Kafka.
 */
import type { SourceTaskContext } from '../../connect-api/index.js';
import { CdcError, PositionLostError } from '../../errors/index.js';
import { DATABASE_BACKOFF, retry } from '../../retry/index.js';
import {
  formatLsn, maxLsn, readSlot, retainedWalBytes, startReplicationStream, translatePgError, type Lsn, type ReplicationStream,
} from '../../../binlog/postgres/index.js';
import type { AdminClient } from './admin-client.js';
import type { PgConnectorSettings } from './config.js';
import type { PgIncremental } from './incremental.js';
import { createStreamDispatcher, type ResumePoint, type StreamDispatcher } from './stream-dispatcher.js';
import type { TableResolver } from './tables.js';
import { createChangeEmitter } from '../shared/change-emitter.js';
import { createTransactionMonitor } from '../shared/transaction-monitor.js';

export interface StreamingSession {
  /** Runs until `ctx.signal` aborts; throws on a non-retriable failure. */
  run(): Promise<void>;
  /** Called with the flush LSN of offsets that became durable. */
  confirm(lsn: Lsn): void;
}

export interface StreamingOptions {
  ctx: SourceTaskContext;
  settings: PgConnectorSettings;
  admin: AdminClient;
  tables: TableResolver;
  resume: ResumePoint;
  /** Ad-hoc snapshots, when signal.data.collection is set. */
  incremental?: PgIncremental | null;
}

const PROGRESS_INTERVAL_MS = 5000;

export function createStreamingSession(o: StreamingOptions): StreamingSession {
  const { ctx, settings } = o;
  const log = ctx.logger;
  let confirmed: Lsn = 0n;
  let stream: ReplicationStream | null = null;

  /** The replication stream from `resume`, or undefined when the task stops meanwhile. */
  function open(resume: ResumePoint): Promise<ReplicationStream | undefined> {
    return retry(async () => {
      const slot = await readSlot(await o.admin.get(), settings.slotName);
      if (!slot) {
        throw new PositionLostError(`Replication slot "${settings.slotName}" no longer exists, so the changes since the last committed offset are gone.`,
          'Use snapshot.mode=when_needed to re-snapshot automatically, or reset the connector offsets (or use a new topic.prefix) and restart it to take a new snapshot.');
      }
      if (slot.confirmedFlushLsn !== null) confirmed = maxLsn(confirmed, slot.confirmedFlushLsn);
      return startReplicationStream({
        connection: settings.connection,
        slotName: settings.slotName,
        publicationNames: [settings.publicationName],
        startLsn: resume.flushLsn,
        initialFlushLsn: confirmed,
        logger: log,
      });
    }, {
      // Another client holding the slot (a previous task not yet gone) is waited for, as Debezium does.
      backoff: { initialMs: settings.slotRetryDelayMs, maxMs: settings.slotRetryDelayMs, jitter: 0 },
      signal: ctx.signal,
      maxRetries: settings.slotMaxRetries,
      retriable: (err) => err instanceof CdcError && err.code === 'PG_SLOT_IN_USE',
      onRetry: (_err, _delay, attempt) => log.warn({ slot: settings.slotName, attempt, of: settings.slotMaxRetries }, 'Replication slot is in use by another client; retrying'),
    });
  }

  async function run(): Promise<void> {
    let resume = o.resume;
    const stopOnAbort = (): void => void stream?.close();
    ctx.signal.addEventListener('abort', stopOnAbort, { once: true });
    try {
      // A stream that delivered changes before it failed starts over with the shortest delay and a fresh budget.
      await retry(async (attempt) => {
        let dispatcher: StreamDispatcher | null = null;
        let timers: NodeJS.Timeout[] = [];
        try {
          stream = (await open(resume)) ?? null;
          if (!stream || ctx.signal.aborted) return;
          const current = stream;
          dispatcher = createStreamDispatcher({
            sink: ctx.sink, tables: o.tables, topicPrefix: settings.topicPrefix, database: settings.connection.database,
            emitter: createChangeEmitter({
              tombstonesOnDelete: settings.tombstonesOnDelete, skipped: settings.skippedOperations,
              transactions: settings.transactionTopic ? createTransactionMonitor({ topic: settings.transactionTopic }) : undefined,
            }),
            resume, heartbeatIntervalMs: settings.heartbeatIntervalMs, heartbeatTopic: settings.heartbeatTopic, logger: log,
            incremental: o.incremental?.hooks ?? null,
          });
          const d = dispatcher;
          timers = startTimers(current, d);
          let batch;
          while ((batch = await current.next()) !== null) {
            await d.handle(batch);
            attempt.progressed();
          }
          // closed: we are stopping
        } catch (raw) {
          if (dispatcher) resume = dispatcher.position();
          throw raw;
        } finally {
          for (const t of timers) clearInterval(t);
          const s = stream;
          stream = null;
          await s?.close();
        }
      }, {
        backoff: DATABASE_BACKOFF,
        signal: ctx.signal,
        maxRetries: settings.maxRetries,
        // Relation look-ups during streaming use the admin connection; its driver errors arrive untranslated.
        translate: (raw) => translatePgError(raw, { action: `streaming from replication slot "${settings.slotName}"`, user: settings.connection.user, database: settings.connection.database, slot: settings.slotName }),
        onRetry: (err, delay) => log.warn({ err, retryInMs: delay, resumeLsn: formatLsn(resume.flushLsn) }, 'PostgreSQL replication stream failed; reconnecting'),
      });
    } finally {
      ctx.signal.removeEventListener('abort', stopOnAbort);
    }
  }

  function startTimers(current: ReplicationStream, d: StreamDispatcher): NodeJS.Timeout[] {
    const timers: NodeJS.Timeout[] = [];
    if (settings.heartbeatIntervalMs > 0) {
      let busy = false;
      timers.push(setInterval(() => {
        if (busy) return;
        busy = true;
        void (async () => {
          if (settings.heartbeatActionQuery) {
            try {
              await o.admin.query(settings.heartbeatActionQuery);
            } catch (err) {
              log.warn({ err }, 'heartbeat.action.query failed');
            }
          }
          // The keepalive reply carries the server's WAL end; between transactions it becomes the heartbeat's position.
          current.requestKeepalive();
        })().finally(() => { busy = false; });
      }, settings.heartbeatIntervalMs));
    }
    let reporting = false;
    timers.push(setInterval(() => {
      if (reporting) return;
      reporting = true;
      void (async () => {
        let retained: number | null = null;
        try {
          retained = await retainedWalBytes(await o.admin.get(), settings.slotName);
        } catch { /* reported as unknown */ }
        const s = d.stats();
        const incrementalError = o.incremental?.lastError() ?? null;
        ctx.reportProgress({
          phase: 'streaming', slot: settings.slotName, lastLsn: formatLsn(s.lastLsn), flushedLsn: formatLsn(s.flushLsn),
          confirmedLsn: formatLsn(current.confirmedLsn()), retainedWalBytes: retained, events: s.events,
          ...(o.incremental ? { incrementalSnapshot: o.incremental.progress() } : {}),
          ...(incrementalError ? { incrementalSnapshotError: incrementalError } : {}),
        });
      })().finally(() => { reporting = false; });
    }, PROGRESS_INTERVAL_MS));
    for (const t of timers) t.unref();
    return timers;
  }

  return {
    run,
    confirm(lsn) {
      if (lsn > confirmed) confirmed = lsn;
      stream?.confirm(lsn);
    },
  };
}
