/**
 * The Kafka signal channel (Debezium's `signal.enabled.channels=kafka`): a consumer of the signal topic that
 * hands ad-hoc snapshot commands to the connector's running task. Records are keyed by the connector's
 * `topic.prefix` (as a plain or a JSON string) and carry `{"type": "execute-snapshot", "data": {...}}`; records
 * with another key belong to other connectors and are skipped. Offsets are committed per record through the
 * consumer group, so a signal is acted on once, also across task restarts.
 */
import { parseSnapshotSignal, type ParsedSignal } from '../../snapshot/index.js';
import type { SnapshotCommand } from '../connect-api/index.js';
import type { GroupConsumer, KafkaClient } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import { nextDelay, retry, sleep, type Backoff } from '../retry/index.js';

/** What a signal record means for one connector. */
export type SignalRecord =
  | { kind: 'other-key' }
  | { kind: 'invalid'; id: string; error: string }
  | { kind: 'signal'; id: string; type: string; parsed: ParsedSignal };

function keyText(key: Buffer | null): string | null {
  if (key === null) return null;
  const text = key.toString('utf8');
  // Debezium's Java producers often write the key with the JSON converter: a quoted string.
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // not JSON after all: compared as is
    }
  }
  return text;
}

/** Parses one record of the signal topic; pure. The id is the value's `id`, else `kafka-<partition>-<offset>`. */
export function parseSignalRecord(key: Buffer | null, value: Buffer | null, partition: number, offset: number, topicPrefix: string): SignalRecord {
  if (keyText(key) !== topicPrefix) return { kind: 'other-key' };
  let id = `kafka-${partition}-${offset}`;
  let body: unknown;
  try {
    body = value === null ? null : JSON.parse(value.toString('utf8'));
  } catch {
    return { kind: 'invalid', id, error: 'the record value is not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { kind: 'invalid', id, error: 'the record value must be a JSON object {"type": ..., "data": ...}' };
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.id === 'string' && fields.id.trim() !== '') id = fields.id.trim();
  if (typeof fields.type !== 'string' || fields.type.trim() === '') return { kind: 'invalid', id, error: 'the record value has no "type"' };
  const type = fields.type.trim();
  return { kind: 'signal', id, type, parsed: parseSnapshotSignal(id, type, fields.data) };
}

export interface KafkaSignalChannelOptions {
  kafka: Pick<KafkaClient, 'ensureTopic' | 'consumeGroup'>;
  topic: string;
  groupId: string;
  /** The connector's `topic.prefix`: the key of its signals. */
  topicPrefix: string;
  /** Hands a command to the task; null = accepted, else the refusal reason. */
  deliver(command: SnapshotCommand): string | null;
  logger: Logger;
  backoff?: Backoff;
}

export interface KafkaSignalChannel {
  /** Stops reading (waiting for the signal in hand, if any). Safe to call more than once, also while starting. */
  close(): Promise<void>;
}

/**
 * Opens the channel in the background: creates the topic if missing (one partition, so signals stay in order),
 * joins the group and reads. Failures to start (Kafka unreachable) are logged and retried until closed.
 */
export function openKafkaSignalChannel(options: KafkaSignalChannelOptions): KafkaSignalChannel {
  const { kafka, topic, groupId, topicPrefix, logger } = options;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const closed = new AbortController();
  let consumer: GroupConsumer | undefined;

  function handle(key: Buffer | null, value: Buffer | null, partition: number, offset: number): void {
    const record = parseSignalRecord(key, value, partition, offset, topicPrefix);
    if (record.kind === 'other-key') return;
    if (record.kind === 'invalid') {
      logger.warn({ signalTopic: topic, signalId: record.id, reason: record.error }, 'Kafka signal ignored: not a valid signal');
      return;
    }
    const { id, type, parsed } = record;
    if (parsed.ok === 'ignored') {
      logger.debug({ signalTopic: topic, signalId: id, type }, 'Kafka signal of a type this connector does not act on; ignored');
      return;
    }
    if (!parsed.ok) {
      logger.warn({ signalTopic: topic, signalId: id, type, reason: parsed.error }, 'Kafka signal refused: invalid data');
      return;
    }
    const refusal = options.deliver(parsed.command);
    if (refusal !== null) logger.warn({ signalTopic: topic, signalId: id, type, reason: refusal }, 'Kafka signal refused by the task');
    else logger.info({ signalTopic: topic, signalId: id, type }, 'Kafka signal accepted');
  }

  // Started again (after a backoff) if the consumer stops by itself, so the channel lives as long as the task.
  let restartDelay = 0;
  let started: Promise<void> = Promise.resolve();
  // Every failure to start is retried (the channel lives as long as the task); only closing ends it.
  const start = (): Promise<void> => retry(async () => {
    await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: -1 });
    // onFatal may come before consumeGroup has even returned this consumer.
    let known!: (c: GroupConsumer) => void;
    const self = new Promise<GroupConsumer>((resolve) => (known = resolve));
    const c = await kafka.consumeGroup({ groupId, topic, onRecord: handle, onFatal: () => void self.then(restart) });
    known(c);
    if (closed.signal.aborted) {
      await c.stop();
      return;
    }
    consumer = c;
    logger.info({ signalTopic: topic, groupId }, 'Kafka signal channel listening');
  }, {
    backoff, signal: closed.signal, retriable: () => true,
    onRetry: (err, delay) => logger.warn({ signalTopic: topic, groupId, err: err instanceof Error ? err.message : String(err), retryInMs: delay },
      'Kafka signal channel could not start; retrying'),
  }).then(() => undefined);

  function restart(failed: GroupConsumer): void {
    if (closed.signal.aborted) return;
    if (consumer === failed) consumer = undefined;
    const delay = (restartDelay = nextDelay(backoff, restartDelay));
    started = started.then(async () => {
      await failed.stop();
      await sleep(delay, closed.signal);
      await start();
    });
  }

  started = start();

  let closing: Promise<void> | undefined;
  return {
    close: () => (closing ??= (async () => {
      closed.abort();
      await started;
      await consumer?.stop();
    })()),
  };
}
