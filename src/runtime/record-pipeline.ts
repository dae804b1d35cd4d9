/**
 * What happens to a connector's records before the queue to Kafka, as Connect's source task does it: the
 * transform chain, then the key and value converters, with Connect's error handling (errors.tolerance,
 * errors.log.*, a dead letter queue) around both.
 *
 * The offsets stay the connector's: a record a transform drops or an error skips still goes on the queue as an
 * offset-only entry, in order, so what follows it can be committed. Without transforms and with converters that
 * never register schemas, `process` is the plain conversion loop and returns synchronously.
 */
import { asBuffer, createJsonConverter, type ConvertedBytes, type Converter } from '../../schemas/index.js';
import type { ChangeRecord } from '../connect-api/index.js';
import { CdcError, isRetriable } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { retry, type Backoff } from '../retry/index.js';
import { StageFailure, TransformError, type TransformChain } from '../transforms/index.js';
import { RECORD_OVERHEAD_BYTES, recordSize, type QueuedRecord } from './record-queue.js';

/** A converter could not turn a record into bytes: a bug or an unsupported value, never fixed by retrying. */
export class RecordConversionError extends CdcError {
  constructor(topic: string, cause: unknown, where = '') {
    super('RECORD_CONVERSION_FAILED', `Could not convert a record for topic '${topic}'${where}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      retriable: false, cause, fix: 'Check the converter settings (key.converter, value.converter) and the column types; report a bug if they are supported.',
    });
  }
}

/** Connect's error-handling keys, parsed. */
export interface ErrorHandling {
  tolerance: 'none' | 'all';
  /** errors.log.enable: log each failure with the stage and the exception. */
  logEnable: boolean;
  /** errors.log.include.messages: include the record's key and value in that log. */
  logIncludeMessages: boolean;
  /** errors.retry.timeout: how long a retriable failure (a schema registry outage) is retried; ≤ 0: until it works. */
  retryTimeoutMs: number;
  /** errors.retry.delay.max.ms: the longest wait between two retries. */
  retryDelayMaxMs: number;
  /** errors.deadletterqueue.topic.name, or null. */
  deadLetterTopic: string | null;
  /** errors.deadletterqueue.context.headers.enable. */
  deadLetterHeaders: boolean;
}

export const FAIL_ON_ERROR: ErrorHandling = {
  tolerance: 'none', logEnable: false, logIncludeMessages: false, retryTimeoutMs: 0, retryDelayMaxMs: 60_000,
  deadLetterTopic: null, deadLetterHeaders: true,
};

export type Stage = 'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER';

export interface RecordPipelineOptions {
  connectorName: string;
  taskId: number;
  transforms: TransformChain | null;
  keyConverter: Converter;
  valueConverter: Converter;
  errors: ErrorHandling;
  logger: Logger;
  signal: AbortSignal;
  backoff: Backoff;
  /** A retriable failure is being retried (message), or is over (null): shown in the task's status. */
  onBlocked(message: string | null): void;
}

export interface RecordPipeline {
  /** The records as they go on the queue; a Promise only while a converter registers a schema. */
  process(records: readonly ChangeRecord[]): QueuedRecord[] | Promise<QueuedRecord[]>;
  /** Records skipped under errors.tolerance=all. */
  skipped(): number;
}

// Dead letter queue records keep the original key and value with their schemas, so a skipped change can be replayed.
const dlqKeyConverter = createJsonConverter({ schemasEnable: true, isKey: true });
const dlqValueConverter = createJsonConverter({ schemasEnable: true, isKey: false });

function offsetOnly(r: ChangeRecord): QueuedRecord {
  return { topic: '', key: null, value: null, sourcePartition: r.partition, sourceOffset: r.offset, size: RECORD_OVERHEAD_BYTES, offsetOnly: true };
}

/** Where the record came from: its topic, source partition and (when it carries one; a snapshot chunk's rows
 * but the last do not) its source offset. */
function coordinates(r: ChangeRecord): string {
  const partition = r.partition === undefined ? '' : ` from source partition ${JSON.stringify(r.partition)}`;
  const at = r.offset === undefined ? '' : ` at source offset ${JSON.stringify(r.offset)}`;
  return `the record for topic '${r.topic}'${partition}${at}`;
}

export function createRecordPipeline(o: RecordPipelineOptions): RecordPipeline {
  const { transforms, keyConverter, valueConverter, errors, logger } = o;
  const preparing = keyConverter.prepare !== undefined || valueConverter.prepare !== undefined;
  let skipped = 0;

  /** Applies errors.tolerance to a failed record: throws (none), or returns what takes its place on the queue. */
  function failed(original: ChangeRecord, stage: Stage, className: string, err: unknown): QueuedRecord {
    const cause = err instanceof StageFailure ? err.cause : err;
    if (errors.tolerance === 'none') {
      if (stage !== 'TRANSFORMATION') throw new RecordConversionError(original.topic, cause, ` (${coordinates(original)})`);
      const message = `Tolerance exceeded in error handler: transform ${className} failed on ${coordinates(original)}: ${cause instanceof Error ? cause.message : String(cause)}`;
      throw new TransformError(message, { cause });
    }
    skipped++;
    const details: Record<string, unknown> = { connector: o.connectorName, task: o.taskId, stage, class: className, topic: original.topic, sourcePartition: original.partition, sourceOffset: original.offset };
    if (errors.logIncludeMessages) Object.assign(details, { key: original.key, value: original.value });
    if (errors.logEnable) logger.error({ ...details, err: cause }, `Error encountered in stage ${stage} (${className}); the record is skipped (errors.tolerance=all)`);
    else logger.warn({ ...details, error: cause instanceof Error ? cause.message : String(cause) }, `Record skipped after an error in stage ${stage} (errors.tolerance=all)`);
    return errors.deadLetterTopic === null ? offsetOnly(original) : deadLetter(original, stage, className, cause, errors.deadLetterTopic);
  }

  function deadLetter(r: ChangeRecord, stage: Stage, className: string, cause: unknown, topic: string): QueuedRecord {
    let key: Buffer | null = null;
    let value: ConvertedBytes | null = null;
    try {
      key = asBuffer(dlqKeyConverter.fromConnectData(r.topic, r.keySchema, r.key));
      value = dlqValueConverter.fromConnectData(r.topic, r.valueSchema, r.value);
    } catch {
      // The original cannot be written even as JSON: the headers still say which change it was.
    }
    let headers: Record<string, string | Buffer> | undefined = r.headers ? { ...r.headers } : undefined;
    if (errors.deadLetterHeaders) {
      const e = cause instanceof Error ? cause : new Error(String(cause));
      headers = {
        ...headers,
        '__connect.errors.topic': r.topic,
        '__connect.errors.connector.name': o.connectorName,
        '__connect.errors.task.id': String(o.taskId),
        '__connect.errors.stage': stage,
        '__connect.errors.class.name': className,
        '__connect.errors.exception.class.name': e instanceof CdcError ? e.code : e.name,
        '__connect.errors.exception.message': e.message,
        '__connect.errors.exception.stacktrace': e.stack ?? e.message,
      };
      if (r.partition !== undefined) headers['__connect.errors.source.partition'] = JSON.stringify(r.partition);
      if (r.offset !== undefined) headers['__connect.errors.source.offset'] = JSON.stringify(r.offset);
    }
    return {
      topic, key, value, headers, sourcePartition: r.partition, sourceOffset: r.offset,
      size: recordSize(topic, key, value, headers),
    };
  }

  /** The transformed record, null if dropped, or the failure's stand-in on the queue. */
  function transform(r: ChangeRecord): ChangeRecord | null | Skipped {
    if (transforms === null) return r;
    try {
      return transforms.apply(r);
    } catch (err) {
      const className = err instanceof StageFailure ? err.stage.className : 'unknown';
      return new Skipped(failed(r, 'TRANSFORMATION', className, err));
    }
  }

  function convert(original: ChangeRecord, r: ChangeRecord): QueuedRecord {
    let key: Buffer | null;
    let value: ConvertedBytes | null;
    try {
      key = asBuffer(keyConverter.fromConnectData(r.topic, r.keySchema, r.key));
    } catch (err) {
      return failed(original, 'KEY_CONVERTER', 'key.converter', err);
    }
    try {
      value = valueConverter.fromConnectData(r.topic, r.valueSchema, r.value);
    } catch (err) {
      return failed(original, 'VALUE_CONVERTER', 'value.converter', err);
    }
    return {
      topic: r.topic, partition: r.kafkaPartition, key, value, headers: r.headers, timestamp: r.timestamp,
      // The connector's offsets, whatever a transform did: they say where to resume reading.
      sourcePartition: original.partition, sourceOffset: original.offset, size: recordSize(r.topic, key, value, r.headers),
    };
  }

  /**
   * Registration the converters still need for this record, or null. The key's schema first, then the value's,
   * as Connect converts them: registering both at once deadlocks some registries (Apicurio on H2 answers 500
   * to both, again on every retry).
   */
  function pending(r: ChangeRecord): Promise<unknown> | null {
    const k = keyConverter.prepare?.(r.topic, r.keySchema) ?? null;
    const value = () => valueConverter.prepare?.(r.topic, r.valueSchema) ?? null;
    return k === null ? value() : k.then(value);
  }

  /**
   * Waits for a record's schemas (`first`: the registration already asked for), retrying an unavailable
   * registry; a refusal fails the record. Every promise `pending` returns is awaited here: one dropped would be
   * an unhandled rejection when the registry fails.
   */
  async function register(original: ChangeRecord, r: ChangeRecord, first: Promise<unknown>): Promise<QueuedRecord | null> {
    const started = Date.now();
    let next: Promise<unknown> | null = first;
    try {
      await retry(async () => {
        const p = next ?? pending(r);
        next = null;
        if (p !== null) await p;
      }, {
        backoff: { initialMs: o.backoff.initialMs, maxMs: Math.max(o.backoff.initialMs, errors.retryDelayMaxMs) },
        signal: o.signal,
        retriable: (err) => isRetriable(err) && (errors.retryTimeoutMs <= 0 || Date.now() - started < errors.retryTimeoutMs),
        onRetry: (err, delayMs) => {
          const message = err instanceof Error ? err.message : String(err);
          o.onBlocked(`${message} (retrying in ${delayMs} ms)`);
          logger.warn({ err, retryInMs: delayMs, topic: r.topic }, 'Registering a schema failed; retrying');
        },
      });
    } catch (err) {
      return failed(original, 'VALUE_CONVERTER', 'value.converter', err);
    } finally {
      o.onBlocked(null);
    }
    return null;
  }

  /** `process` from record `from` on, whose transformed form is `first`, once registrations are needed. */
  async function processFrom(records: readonly ChangeRecord[], from: number, first: ChangeRecord, firstPending: Promise<unknown>, out: QueuedRecord[]): Promise<QueuedRecord[]> {
    for (let i = from; i < records.length; i++) {
      const original = records[i]!;
      const t = i === from ? first : transform(original);
      if (t === null) { out.push(offsetOnly(original)); continue; }
      if (t instanceof Skipped) { out.push(t.entry); continue; }
      const p = i === from ? firstPending : pending(t);
      if (p !== null) {
        const refused = await register(original, t, p);
        if (o.signal.aborted) return out;
        if (refused) { out.push(refused); continue; }
      }
      out.push(convert(original, t));
    }
    return out;
  }

  return {
    skipped: () => skipped,
    process(records) {
      const out: QueuedRecord[] = new Array<QueuedRecord>();
      for (let i = 0; i < records.length; i++) {
        const original = records[i]!;
        const t = transform(original);
        if (t === null) { out.push(offsetOnly(original)); continue; }
        if (t instanceof Skipped) { out.push(t.entry); continue; }
        // A schema seen the first time: the rest of the batch waits for its registration, in order.
        const p = preparing ? pending(t) : null;
        if (p !== null) return processFrom(records, i, t, p, out);
        out.push(convert(original, t));
      }
      return out;
    },
  };
}

/** What replaces a record a transform failed on (errors.tolerance=all). */
class Skipped {
  constructor(readonly entry: QueuedRecord) {}
}
