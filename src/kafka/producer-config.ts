/**
 * A producer's Kafka settings (`compression.type`, `acks`, `max.request.size`, ...) → ProducerOptions, read from
 * the merged client settings of `clientProps`/`withClientOverrides` (worker, `producer.*`, a connector's
 * `producer.override.*`). Settings that change what is delivered or how safely (acks, idempotence, pipelining,
 * placement, transactions) are honoured or refused with the key's name; tuning knobs of Java's batching have no
 * equivalent here (records are sent as soon as they are queued) and are reported as unused, as a Java client
 * reports settings it does not know.
 */
import { ConfigError } from '../errors/index.js';
import { clientConnection, SECURITY_KEYS, type ClientProps } from './client-config.js';
import type { CompressionType, ProducerOptions } from './types.js';

export interface ProducerSettings {
  /** Idempotence, compression, timeout, client id and the connection (brokers, TLS, SASL). */
  options: ProducerOptions;
  /** `max.request.size`: the most bytes of records one produce request carries. */
  maxRequestBytes: number;
  /** Settings with no effect here, by the name the user wrote, with the reason (to log at start). */
  unused: Record<string, string>;
}

export const COMPRESSION_TYPES: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Java's default max.request.size. */
export const DEFAULT_MAX_REQUEST_BYTES = 1_048_576;

const BATCHING = 'records are sent as soon as they are queued, one request of up to max.request.size at a time';

/** Java producer tuning with no counterpart here, and why. */
const NO_EFFECT: Record<string, string> = {
  'batch.size': BATCHING,
  'linger.ms': BATCHING,
  'buffer.memory': 'the queue to Kafka is bounded by the connector\'s max.queue.size.in.bytes / max.queue.size',
  'send.buffer.bytes': 'the operating system sizes socket buffers',
  'receive.buffer.bytes': 'the operating system sizes socket buffers',
  'retries': 'failed sends are retried with backoff until they succeed or the task stops',
  'retry.backoff.ms': 'failed sends are retried with the task\'s own backoff',
  'retry.backoff.max.ms': 'failed sends are retried with the task\'s own backoff',
  'delivery.timeout.ms': 'failed sends are retried until they succeed or the task stops',
  'max.block.ms': 'sending never blocks the reader; the queue to Kafka is bounded in bytes',
  'metadata.max.age.ms': 'metadata is refreshed on errors and every few seconds',
  'metadata.max.idle.ms': 'metadata is refreshed on errors and every few seconds',
  'connections.max.idle.ms': 'connections stay open while the task runs',
  'reconnect.backoff.ms': 'reconnects use the client\'s own backoff',
  'reconnect.backoff.max.ms': 'reconnects use the client\'s own backoff',
  'socket.connection.setup.timeout.ms': 'connecting times out after 10 s',
  'socket.connection.setup.timeout.max.ms': 'connecting times out after 10 s',
  'compression.gzip.level': 'compression uses each codec\'s default level',
  'compression.lz4.level': 'compression uses each codec\'s default level',
  'compression.zstd.level': 'compression uses each codec\'s default level',
  'partitioner.adaptive.partitioning.enable': 'keyed records go by the key\'s hash; records without a key round-robin',
  'partitioner.availability.timeout.ms': 'keyed records go by the key\'s hash; records without a key round-robin',
  'transaction.timeout.ms': 'records are not written in transactions',
  'key.serializer': 'records are bytes made by the connector\'s converters',
  'value.serializer': 'records are bytes made by the connector\'s converters',
  'metric.reporters': 'Java metrics reporters do not exist here',
  'metrics.num.samples': 'Java metrics do not exist here',
  'metrics.recording.level': 'Java metrics do not exist here',
  'metrics.sample.window.ms': 'Java metrics do not exist here',
  'auto.include.jmx.reporter': 'Java metrics do not exist here',
  'enable.metrics.push': 'client metrics are not pushed to the broker',
  'client.dns.lookup': 'broker addresses are resolved by the operating system',
};

/** Settings read below; everything else that is neither a security key nor in NO_EFFECT is unknown. */
const HONOURED = new Set([
  'bootstrap.servers', 'compression.type', 'acks', 'enable.idempotence', 'max.in.flight.requests.per.connection',
  'max.request.size', 'request.timeout.ms', 'client.id', 'partitioner.class', 'partitioner.ignore.keys',
  'interceptor.classes', 'transactional.id',
]);

/** The producer settings of `client`. Throws ConfigError naming the key (as written) for a value not honoured. */
export function producerSettings(client: ClientProps): ProducerSettings {
  const get = (key: string): string | undefined => {
    const v = client.props[key]?.trim();
    return v ? v : undefined;
  };
  const name = (key: string) => client.origins[key] ?? key;
  const refuse = (key: string, problem: string, fix: string): never => {
    throw new ConfigError(`Configuration ${name(key)} ${problem}`, name(key), { fix });
  };

  const compression = (get('compression.type') ?? 'none') as CompressionType;
  if (!COMPRESSION_TYPES.includes(compression)) {
    refuse('compression.type', `is "${compression}", which is not a compression type.`, `Use one of ${COMPRESSION_TYPES.join(', ')}.`);
  }
  const idempotence = bool(get('enable.idempotence') ?? 'true', 'enable.idempotence', refuse);
  const acks = (get('acks') ?? 'all').toLowerCase();
  if (acks !== 'all' && acks !== '-1') {
    if (idempotence) {
      refuse('acks', `is ${acks}, but the idempotent producer (enable.idempotence=true, the default) needs acks=all.`, `Set ${name('acks')}=all, or remove it.`);
    }
    refuse('acks', `is ${acks}; only acks=all is supported: offsets are committed for records every in-sync replica has.`, `Set ${name('acks')}=all, or remove it.`);
  }
  const inFlight = int(get('max.in.flight.requests.per.connection') ?? '1', 'max.in.flight.requests.per.connection', refuse);
  if (inFlight !== 1) {
    refuse('max.in.flight.requests.per.connection', `is ${inFlight}; one request in flight is supported (as Kafka Connect's source producers use), so a retried batch never overtakes a later one.`,
      `Set ${name('max.in.flight.requests.per.connection')}=1, or remove it; compression.type=lz4 raises throughput more.`);
  }
  const maxRequestBytes = int(get('max.request.size') ?? String(DEFAULT_MAX_REQUEST_BYTES), 'max.request.size', refuse);
  if (maxRequestBytes < 1024) refuse('max.request.size', `is ${maxRequestBytes}; it must be at least 1024 bytes.`, `Raise ${name('max.request.size')}.`);
  const requestTimeoutMs = int(get('request.timeout.ms') ?? '30000', 'request.timeout.ms', refuse);
  if (requestTimeoutMs < 1) refuse('request.timeout.ms', `is ${requestTimeoutMs}; it must be at least 1.`, `Raise ${name('request.timeout.ms')}.`);

  const partitioner = get('partitioner.class');
  if (partitioner !== undefined && !/^org\.apache\.kafka\.clients\.producer\.(?:internals\.)?(?:Default|BuiltIn)Partitioner$/.test(partitioner)) {
    refuse('partitioner.class', `is ${partitioner}; only Kafka's default partitioner (murmur2 of the key) is available.`, `Remove ${name('partitioner.class')}.`);
  }
  if (bool(get('partitioner.ignore.keys') ?? 'false', 'partitioner.ignore.keys', refuse)) {
    refuse('partitioner.ignore.keys', 'is true; records are placed by their key so each key\'s changes stay in order.', `Remove ${name('partitioner.ignore.keys')}.`);
  }
  if (get('interceptor.classes') !== undefined) {
    refuse('interceptor.classes', 'names Java classes; producer interceptors cannot run here.', `Remove ${name('interceptor.classes')}.`);
  }
  if (get('transactional.id') !== undefined) {
    refuse('transactional.id', 'is set; the worker names each task\'s transactional id itself (<group.id>-<connector>-<task>, as Connect) when exactly.once.source.support=enabled.', `Remove ${name('transactional.id')}.`);
  }

  const unused: Record<string, string> = {};
  for (const key of Object.keys(client.props)) {
    if (HONOURED.has(key) || SECURITY_KEYS.has(key)) continue;
    const origin = client.origins[key];
    // Only keys meant for a producer: the worker's own top-level keys (group.id, rest.port, ...) are not.
    if (origin === undefined || origin === key && NO_EFFECT[key] === undefined) continue;
    unused[origin] = NO_EFFECT[key] ?? 'it is not a Kafka producer setting known here';
  }
  const clientId = get('client.id');
  return {
    options: {
      idempotent: idempotence, compression, requestTimeoutMs, connection: clientConnection(client),
      ...(clientId !== undefined ? { clientId } : {}),
    },
    maxRequestBytes,
    unused,
  };
}

type Refuse = (key: string, problem: string, fix: string) => never;

function bool(value: string, key: string, refuse: Refuse): boolean {
  const v = value.toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  return refuse(key, `is "${value}", which is not true or false.`, 'Use true or false.');
}

function int(value: string, key: string, refuse: Refuse): number {
  if (!/^-?\d+$/.test(value)) refuse(key, `is "${value}", which is not a whole number.`, 'Use a whole number.');
  return Number(value);
}
