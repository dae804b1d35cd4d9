/**
 * The one adapter around pg-logical-replication: streams pgoutput from a slot, hands decoded messages out
 * in batches, pauses the socket while the batch queue is over its byte budget, and reports to the server
 * only the flush position the connector confirmed (what is durable in Kafka).
 *
 * pg-logical-replication 2.5.0 notes (its issue #174): its keepalive timer acknowledges the last *received*
 * LSN even with `acknowledge.auto=false`, so the timer is disabled (`timeoutSeconds: 0`) and keepalives that
 * request a reply are answered here with the last *confirmed* LSN. Its `acknowledge(lsn)` reports `lsn + 1`,
 * so we pass `flush - 1` to report exactly `flush`.
 */
import { LogicalReplicationService } from 'pg-logical-replication';
import type { PgClient } from '../../src/db/postgres.js';
import type { Logger } from '../../src/logging/index.js';
import { negotiatedPgConfig, pgDriverConfig, type PgConnectionConfig } from '../../src/db/postgres.js';
import { translatePgError } from './errors.js';
import { formatLsn, parseLsn, type Lsn } from './lsn.js';
import { createPgOutputDecoder, type PgOutputMessage } from './pgoutput.js';

/** The server's "I am alive, here is my WAL end" message; `walEnd` is a safe resume point between transactions. */
export interface KeepaliveMessage {
  tag: 'keepalive';
  walEnd: Lsn;
}

export type StreamMessage = PgOutputMessage | KeepaliveMessage;

/** Messages in arrival order; `lsns[i]` is the WAL position of `messages[i]` (XLogData start, or the keepalive's WAL end). */
export interface StreamBatch {
  messages: StreamMessage[];
  lsns: Lsn[];
  /** Payload bytes in this batch. */
  bytes: number;
}

export interface ReplicationStreamOptions {
  connection: PgConnectionConfig;
  slotName: string;
  publicationNames: readonly string[];
  /** Where to start; the server starts at the later of this and the slot's confirmed_flush_lsn. */
  startLsn: Lsn;
  /** The flush position to report until `confirm` is called (normally the slot's confirmed_flush_lsn). */
  initialFlushLsn: Lsn;
  /** Pause reading from the socket while this many payload bytes are queued (decoded, they take a few times more). Default 4 MiB. */
  maxQueuedBytes?: number;
  /**
   * Most messages one `next()` returns (default 2048). The consumer converts and queues each batch for Kafka
   * before asking for the next, so handing it the whole read-ahead queue at once would hold both in memory.
   */
  maxBatchMessages?: number;
  logger?: Logger;
}

export interface ReplicationStream {
  /**
   * Everything queued since the last call (waits for at least one message). Resolves `null` once the stream
   * has ended cleanly (after `close`); rejects with a translated error when the connection fails.
   */
  next(): Promise<StreamBatch | null>;
  /** Everything before `lsn` is durable downstream: report it as flushed (batched; never moves backwards). */
  confirm(lsn: Lsn): void;
  /** The flush position last confirmed (reported to the server at once or within a tick). */
  confirmedLsn(): Lsn;
  /** Asks the server for a keepalive now (its reply carries the current WAL end, used for heartbeats). */
  requestKeepalive(): void;
  /** Sends the final flush position and disconnects. */
  close(): Promise<void>;
}

export async function startReplicationStream(options: ReplicationStreamOptions): Promise<ReplicationStream> {
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const maxBatchMessages = options.maxBatchMessages ?? 2048;
  const decoder = createPgOutputDecoder();
  const errorContext = {
    action: `streaming from replication slot "${options.slotName}"`,
    user: options.connection.user,
    database: options.connection.database,
    slot: options.slotName,
    publication: options.publicationNames.join(','),
    host: options.connection.host,
    ...(options.connection.tls && { tls: options.connection.tls }),
  };

  let queue: StreamBatch = { messages: [], lsns: [], bytes: 0 };
  /** Payload bytes of each queued message, in step with `queue.messages`. */
  let queueSizes: number[] = [];
  let pendingBytes = 0;
  let paused = false;
  let ended = false;
  let closing = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let flushLsn = options.initialFlushLsn;
  let reportedLsn = 0n;
  let reportScheduled = false;

  // The library connects by itself and cannot fall back: settle database.sslmode=allow/prefer first.
  const connection = await negotiatedPgConfig(options.connection, true).catch((err: unknown) => { throw translatePgError(err, errorContext); });
  const service = new LogicalReplicationService(pgDriverConfig(connection, true), {
    acknowledge: { auto: false, timeoutSeconds: 0 },
    flowControl: { enabled: false },
  });

  const socket = (): { pause(): void; resume(): void } | undefined =>
    // The service keeps the pg Connection private; its `stream` is the net.Socket we throttle.
    (service as unknown as { _connection?: { stream?: { pause(): void; resume(): void } } })._connection?.stream;

  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  const fail = (err: unknown): void => {
    if (failure || closing) return;
    failure = translatePgError(err, errorContext);
    notify();
  };

  const plugin = {
    name: 'pgoutput',
    // Called synchronously with a slice of the driver's receive buffer, which is reused afterwards: decode now.
    parse(buf: Buffer): PgOutputMessage | null {
      if (failure) return null;
      try {
        const message = decoder.decode(buf);
        pendingBytes = buf.length;
        return message;
      } catch (err) {
        fail(err);
        return null;
      }
    },
    start(client: PgClient, slotName: string, lsn: string): Promise<unknown> {
      const names = options.publicationNames.map((n) => n.replace(/'/g, "''")).join(',');
      return client.query(
        `START_REPLICATION SLOT "${slotName.replace(/"/g, '""')}" LOGICAL ${lsn} (proto_version '1', publication_names '${names}')`,
      );
    },
  } as unknown as Parameters<LogicalReplicationService['subscribe']>[0];

  const enqueue = (message: StreamMessage, lsn: Lsn, bytes: number): void => {
    queue.messages.push(message);
    queue.lsns.push(lsn);
    queueSizes.push(bytes);
    queue.bytes += bytes;
    if (!paused && queue.bytes >= maxQueuedBytes) {
      paused = true;
      socket()?.pause();
    }
    notify();
  };

  service.on('data', (lsnText: string, message: PgOutputMessage | null) => {
    if (message === null) return;
    enqueue(message, parseLsn(lsnText), pendingBytes);
  });

  service.on('heartbeat', (lsnText: string, _timestamp: number, shouldRespond: boolean) => {
    if (shouldRespond) report(true);
    const walEnd = parseLsn(lsnText);
    const n = queue.messages.length;
    // Coalesce consecutive keepalives: only the latest WAL end matters.
    if (n > 0 && queue.messages[n - 1]!.tag === 'keepalive') {
      (queue.messages[n - 1] as KeepaliveMessage).walEnd = walEnd;
      queue.lsns[n - 1] = walEnd;
      return;
    }
    enqueue({ tag: 'keepalive', walEnd }, walEnd, 0);
  });

  service.on('error', (err: Error) => fail(err));

  function report(force: boolean, ping = false): void {
    if (flushLsn <= 0n) return;
    if (!force && flushLsn === reportedLsn) return;
    reportedLsn = flushLsn;
    // acknowledge() reports its argument + 1.
    void service.acknowledge(formatLsn(flushLsn - 1n), ping).catch((err: unknown) => fail(err));
  }

  const started = new Promise<void>((resolve) => service.once('start', () => resolve()));
  const done = service.subscribe(plugin, options.slotName, formatLsn(options.startLsn));
  done.then(
    () => {
      ended = true;
      notify();
    },
    (err: unknown) => {
      fail(err);
      ended = true;
      notify();
    },
  );
  await Promise.race([started, done.then(() => undefined, () => undefined)]);
  if (failure) {
    await service.destroy().catch(() => {});
    throw failure;
  }
  if (ended) throw translatePgError(new Error('Connection terminated before replication started'), errorContext);
  report(true);
  options.logger?.info({ slot: options.slotName, startLsn: formatLsn(options.startLsn) }, 'PostgreSQL replication stream started');

  return {
    async next(): Promise<StreamBatch | null> {
      for (;;) {
        if (failure) throw failure;
        if (queue.messages.length > 0) {
          let batch = queue;
          if (queue.messages.length <= maxBatchMessages) {
            queue = { messages: [], lsns: [], bytes: 0 };
            queueSizes = [];
          } else {
            let bytes = 0;
            for (let i = 0; i < maxBatchMessages; i++) bytes += queueSizes[i]!;
            batch = { messages: queue.messages.slice(0, maxBatchMessages), lsns: queue.lsns.slice(0, maxBatchMessages), bytes };
            queue = { messages: queue.messages.slice(maxBatchMessages), lsns: queue.lsns.slice(maxBatchMessages), bytes: queue.bytes - bytes };
            queueSizes = queueSizes.slice(maxBatchMessages);
          }
          if (paused && queue.bytes < maxQueuedBytes) {
            paused = false;
            socket()?.resume();
          }
          return batch;
        }
        if (ended || closing) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    confirm(lsn: Lsn): void {
      if (lsn <= flushLsn) return;
      flushLsn = lsn;
      if (reportScheduled) return;
      reportScheduled = true;
      // Several commits in one tick report once.
      setImmediate(() => {
        reportScheduled = false;
        if (!closing && !failure) report(false);
      });
    },
    confirmedLsn: () => flushLsn,
    requestKeepalive(): void {
      if (!closing && !failure && !ended) report(true, true);
    },
    async close(): Promise<void> {
      if (closing) return;
      if (!failure && !ended) report(false);
      closing = true;
      notify();
      await service.destroy().catch(() => {});
    },
  };
}
