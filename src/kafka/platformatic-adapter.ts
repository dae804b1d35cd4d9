/**
 * With ./worker-group.ts (the group protocol of distributed workers), the only file that imports the Kafka client
 * library (@platformatic/kafka, maintained, pure JavaScript), and only through its public API. Everything else uses the small API in ./types.ts, so this stays the single place
 * to change when swapping clients.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  FetchIsolationLevels,
  ListOffsetTimestamps,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  type BaseOptions,
  type ClusterMetadata,
  type ClusterTopicMetadata,
  type ExtendedGroupProtocolSubscription,
  type GroupPartitionsAssignments,
  type Message,
  type MessagesStream,
  type MessageToProduce,
  type RecordsBatch,
  type SASLOptions,
} from '@platformatic/kafka';
import { SplicedBytes } from '../../schemas/index.js';
import type { Logger } from '../logging/index.js';
import type { ErrorCode } from '../errors/index.js';
import { hasKafkaErrorType, translateKafkaError } from './errors.js';
import { murmur2 } from './murmur2.js';
import { retry } from '../retry/index.js';
import { createOAuthTokenProvider } from './oauth-token.js';
import type { GroupConsumer, GroupConsumerOptions, KafkaClient, KafkaConnection, KafkaOAuth, OutgoingMessage, ProducerOptions, RecordHandler, RecordProducer, TopicSpec, TransactionalProducer, TransactionalProducerOptions } from './types.js';

export interface KafkaClientOptions {
  clientId: string;
  logger: Logger;
  /** How the client reaches the cluster: producers and `readToEnd`, and the two below unless they are given. */
  connection: KafkaConnection;
  /** Admin calls (the worker's `admin.*` settings). */
  admin?: KafkaConnection;
  /** Consumer groups (`consumeGroup`; the worker's `consumer.*` settings). */
  consumer?: KafkaConnection;
  /** What `createProducer` uses where its own options say nothing. */
  producerDefaults?: ProducerOptions;
  /** TCP (and TLS/SASL) connect timeout per broker, ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Attempts the client makes itself before an operation fails (1 s apart). Default 5. */
  retries?: number;
}

/** A KafkaConnection for brokers without TLS or SASL. */
export function plaintextConnection(brokers: readonly string[]): KafkaConnection {
  return { brokers, protocol: 'PLAINTEXT' };
}

/** Node's TLS options for a connection's `ssl.*` settings. */
function tlsOptions(connection: KafkaConnection): TlsConnectionOptions | undefined {
  const tls = connection.tls;
  if (!tls) return undefined;
  return {
    rejectUnauthorized: true,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key, passphrase: tls.keyPassword } : {}),
    ...(tls.pfx !== undefined ? { pfx: tls.pfx, passphrase: tls.pfxPassword } : {}),
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
    // ssl.endpoint.identification.algorithm= (empty): the chain is still verified, the host name is not.
    ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** SNI carries host names only (RFC 6066); brokers addressed by IP get none, as Java's client does. */
const IP_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f:]+\]?)$/i;

/** One token provider per OAuth setting: the producers, consumers and admin of one connection share its token. */
const tokenProviders = new WeakMap<KafkaOAuth, () => Promise<string>>();
function tokenProviderFor(oauth: KafkaOAuth): () => Promise<string> {
  let provider = tokenProviders.get(oauth);
  if (!provider) tokenProviders.set(oauth, (provider = createOAuthTokenProvider(oauth)));
  return provider;
}

function saslOptions(connection: KafkaConnection): SASLOptions | undefined {
  const sasl = connection.sasl;
  if (!sasl) return undefined;
  if (sasl.mechanism === 'OAUTHBEARER') {
    if (!sasl.oauth) throw new Error('OAUTHBEARER without a token endpoint');
    return { mechanism: 'OAUTHBEARER', token: tokenProviderFor(sasl.oauth), oauthBearerExtensions: { ...sasl.oauth.extensions } };
  }
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
}

/** The client library's options for one connection (./worker-group.ts connects with them too). */
export function baseOptions(connection: KafkaConnection, clientId: string, options: KafkaClientOptions): BaseOptions {
  const tls = tlsOptions(connection);
  const sniHost = connection.brokers.some((b) => !IP_ADDRESS.test(b.slice(0, b.lastIndexOf(':')).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')));
  return {
    clientId,
    bootstrapBrokers: connection.brokers.map((b) => b.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')),
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    requestTimeout: 60_000,
    // Broker-side wait of one request (e.g. acks=all), as Java's request.timeout.ms.
    timeout: 30_000,
    retries: options.retries ?? 5,
    retryDelay: 1000,
    ...(tls ? { tls, tlsServerName: sniHost } : {}),
    ...(connection.sasl ? { sasl: saslOptions(connection) } : {}),
  };
}

/**
 * Java's default partitioner for keyed records (`toPositive(murmur2(key)) % partitions`; the client takes the
 * value modulo the partition count itself), round robin for records without a key. The client's own default
 * hashes differently (unsigned), and its Java-compatible one computes murmur2 with BigInts.
 */
function createJavaPartitioner() {
  const roundRobin = new Map<string, number>();
  return (message: MessageToProduce<Buffer | null, unknown, string, string | Buffer>, key: Buffer | undefined): number => {
    if (key) return murmur2(key) & 0x7fffffff;
    const next = ((roundRobin.get(message.topic) ?? Math.floor(Math.random() * 0x7fffffff)) + 1) & 0x7fffffff;
    roundRobin.set(message.topic, next);
    return next;
  };
}

const asBytes = (v: unknown): Buffer | undefined =>
  v === null || v === undefined ? undefined : v instanceof SplicedBytes ? v.toBuffer() : Buffer.isBuffer(v) ? v : Buffer.from(String(v));

type OutgoingProducer = Producer<Buffer | null, unknown, string, string | Buffer>;

/** The client's producer options of ours (acks=all, Java's partitioner, spliced values written out late). */
function producerOptions(base: BaseOptions, options: ProducerOptions) {
  return {
    ...base,
    ...(options.requestTimeoutMs !== undefined ? { timeout: options.requestTimeoutMs } : {}),
    // The client turns 0 or 1 retries of an idempotent producer into "retry forever"; the task runner retries
    // failed sends itself, with backoff, and must get the failure.
    retries: Math.max(2, typeof base.retries === 'number' ? base.retries : 5),
    idempotent: options.idempotent ?? true,
    acks: -1,
    compression: options.compression ?? 'none',
    partitioner: createJavaPartitioner(),
    autocreateTopics: true,
    serializers: {
      key: (k: Buffer | null | undefined) => k ?? undefined,
      // Spliced bytes (a converter's shared envelope + payload text) become one Buffer only now.
      value: asBytes,
      headerKey: (k: string | undefined) => (k === undefined ? undefined : Buffer.from(k)),
      headerValue: asBytes,
    },
  };
}

function toClientMessages(messages: readonly OutgoingMessage[]): MessageToProduce<Buffer | null, unknown, string, string | Buffer>[] {
  const batch: MessageToProduce<Buffer | null, unknown, string, string | Buffer>[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    batch[i] = {
      topic: m.topic, key: m.key, value: m.value, headers: m.headers as Record<string, string | Buffer> | undefined,
      partition: m.partition, timestamp: m.timestamp === undefined ? undefined : BigInt(m.timestamp),
    };
  }
  return batch;
}

function createRecordProducer(base: BaseOptions, options: ProducerOptions, connection: KafkaConnection): RecordProducer {
  const producer: OutgoingProducer = new Producer(producerOptions(base, options));
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function sendNow(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await producer.send({ messages: toClientMessages(messages) });
    } catch (err) {
      throw translateKafkaError(err, 'producing to Kafka', connection);
    }
  }

  return {
    send(messages) {
      // One request in flight: a retry can never overtake a later batch, so each partition keeps call order.
      const run = tail.then(() => sendNow(messages));
      tail = run.catch(() => undefined);
      return run;
    },
    async disconnect() {
      await tail;
      if (closed) return;
      closed = true;
      await producer.close().catch(() => undefined);
    },
  };
}

/**
 * See TransactionalProducer. Calls must not overlap (the task's delivery loop makes one at a time). The
 * producer id starts at -1 as in Java's InitProducerId, so a new process takes over a transactional id an
 * earlier one used (the client's default of 0 is read by the broker as that earlier producer's id, and fenced).
 * Retries are 20 ms apart, as Java's, because the broker answers CONCURRENT_TRANSACTIONS for the few
 * milliseconds it takes to write the previous transaction's markers.
 */
function createTransactionalProducer(base: BaseOptions, options: TransactionalProducerOptions, connection: KafkaConnection): TransactionalProducer {
  const make = (): OutgoingProducer => new Producer({
    ...producerOptions({ ...base, retryDelay: 20, retries: 25 }, options),
    idempotent: true,
    transactionalId: options.transactionalId,
    producerId: -1n,
    producerEpoch: -1,
  });
  let producer = make();
  let transaction: Awaited<ReturnType<OutgoingProducer['beginTransaction']>> | undefined;
  let closed = false;
  const failed = (what: string) => (err: unknown) => {
    throw translateKafkaError(err, what, connection);
  };
  const begin = async () => {
    if (transaction) throw new Error('A transaction is already open');
    transaction = await producer.beginTransaction().catch(failed(`starting a transaction (transactional.id ${options.transactionalId})`));
  };
  return {
    get inTransaction() {
      return transaction !== undefined;
    },
    async fence() {
      await begin();
      // Nothing was added to it, so the broker has no transaction to end; only the client forgets it.
      await transaction!.cancel();
      transaction = undefined;
    },
    begin,
    async send(messages) {
      if (!transaction) throw new Error('send() outside a transaction');
      if (messages.length === 0) return;
      await transaction.send({ messages: toClientMessages(messages) }).catch(failed('producing to Kafka in a transaction'));
    },
    async commit() {
      if (!transaction) throw new Error('commit() outside a transaction');
      const t = transaction;
      try {
        await t.commit();
      } catch (err) {
        throw translateKafkaError(err, 'committing a transaction', connection);
      } finally {
        // A failed commit leaves the transaction open, to be aborted.
        if (t.completed) transaction = undefined;
      }
    },
    async abort() {
      const t = transaction;
      if (!t) return;
      transaction = undefined;
      try {
        await t.abort();
      } catch (err) {
        // The broker may still hold the transaction open: a fresh producer's InitProducerId aborts it (and
        // fences this one), so the next begin() starts clean.
        await t.cancel().catch(() => undefined);
        const old = producer;
        producer = make();
        await old.close().catch(() => undefined);
        throw translateKafkaError(err, 'aborting a transaction', connection);
      }
    },
    async disconnect() {
      if (closed) return;
      closed = true;
      // An open transaction is left to the broker: the next producer with this id (or the transaction timeout) aborts it.
      await producer.close().catch(() => undefined);
    },
  };
}

/** Partition → [low, high) offsets of a topic; high is the last stable offset (read_committed end). */
async function offsetRange(admin: Admin, topic: string): Promise<Map<number, { low: number; high: number }>> {
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
  const partitions = Array.from({ length: count }, (_, i) => i);
  const list = (timestamp: bigint) => admin.listOffsets({
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
  });
  const [lows, highs] = await Promise.all([list(ListOffsetTimestamps.EARLIEST), list(ListOffsetTimestamps.LATEST)]);
  const out = new Map<number, { low: number; high: number }>();
  for (const p of highs[0]?.partitions ?? []) out.set(p.partitionIndex, { low: 0, high: Number(p.offset) });
  for (const p of lows[0]?.partitions ?? []) {
    const range = out.get(p.partitionIndex);
    if (range) range.low = Number(p.offset);
  }
  return out;
}

/** Waiting for the cluster to catch up (a new topic's leaders): every 100 ms, about 10 s at most. */
const POLL = { backoff: { initialMs: 100, maxMs: 100, jitter: 0 }, maxRetries: 100, retriable: () => true };

/** Polls the metadata until every partition of a new topic has a leader (KRaft propagates it asynchronously). */
async function waitForLeaders(admin: Admin, topic: string): Promise<void> {
  await retry(async () => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const partitions = metadata.topics.get(topic)?.partitions ?? [];
    if (partitions.length === 0 || !partitions.every((p) => p && p.leader >= 0)) throw new Error(`Timed out waiting for leaders of the new topic ${topic}`);
  }, POLL);
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const { logger, clientId } = options;
  const base = baseOptions(options.connection, clientId, options);
  const consumerBase = baseOptions(options.consumer ?? options.connection, clientId, options);
  const adminBase = baseOptions(options.admin ?? options.connection, clientId, options);

  let admin: Admin | undefined;
  const getAdmin = (): Admin => (admin ??= new Admin(adminBase));

  /**
   * Runs an admin call. Some calls (ListOffsets, DescribeConfigs) fail with NOT_LEADER and the like for a moment
   * after a topic is created, until the broker has taken leadership.
   */
  async function withAdmin<T>(action: string, fn: (a: Admin) => Promise<T>): Promise<T> {
    return (await retry(() => fn(getAdmin()), {
      backoff: { initialMs: 100, maxMs: 2000 },
      maxRetries: 7,
      translate: (err) => translateKafkaError(err, action, options.admin ?? options.connection),
      retriable: (err) => (err as { code?: ErrorCode }).code === 'KAFKA_TRANSIENT',
      onRetry: (err, _delay, attempt) => logger.debug({ err: (err as Error).message, attempt }, 'Transient Kafka admin error; retrying'),
    })) as T;
  }

  return {
    createProducer: (own = {}) => {
      const merged = { ...options.producerDefaults, ...own };
      const connection = own.connection ?? options.connection;
      return createRecordProducer(baseOptions(connection, merged.clientId ?? clientId, options), merged, connection);
    },

    createTransactionalProducer: (own) => {
      const merged = { ...options.producerDefaults, ...own };
      const connection = own.connection ?? options.connection;
      return createTransactionalProducer(baseOptions(connection, merged.clientId ?? clientId, options), merged, connection);
    },

    ensureTopic: (name: string, spec: TopicSpec) => withAdmin(`creating topic ${name}`, async (a) => {
      try {
        await a.createTopics({
          topics: [name],
          partitions: spec.partitions,
          replicas: spec.replicationFactor,
          configs: Object.entries(spec.configs ?? {}).map(([k, v]) => ({ name: k, value: v })),
        });
      } catch (err) {
        // Another worker or an earlier attempt created it in the meantime.
        if (hasKafkaErrorType(err, 'TOPIC_ALREADY_EXISTS')) return false;
        throw err;
      }
      await waitForLeaders(a, name);
      return true;
    }),

    topicExists: (name) => withAdmin('listing topics', async (a) => (await a.listTopics()).includes(name)),

    deleteTopics: (names) => withAdmin(`deleting topics ${names.join(', ')}`, async (a) => {
      if (names.length > 0) await a.deleteTopics({ topics: [...names] });
    }),

    listTopics: () => withAdmin('listing topics', (a) => a.listTopics()),

    clusterId: () => withAdmin('describing the cluster', async (a) => (await a.metadata({ topics: [] })).id),

    highWatermarks: (topic) => withAdmin(`reading end offsets of ${topic}`, async (a) =>
      new Map([...(await offsetRange(a, topic))].map(([partition, r]) => [partition, r.high]))),

    logSizeBytes: (topic) => withAdmin(`describing the log of ${topic}`, async (a) => {
      const metadata = await a.metadata({ topics: [topic], forceUpdate: true });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const brokers = await a.describeLogDirs({ topics: [{ name: topic, partitions: Array.from({ length: count }, (_, i) => i) }] });
      let bytes = 0;
      for (const broker of brokers) for (const dir of broker.results) for (const t of dir.topics) for (const p of t.partitions) bytes += Number(p.partitionSize);
      return bytes;
    }),

    topicConfigs: (topic) => withAdmin(`describing topic ${topic}`, async (a) => {
      const res = await a.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }] });
      const out: Record<string, string> = {};
      for (const entry of res[0]?.configs ?? []) if (typeof entry.value === 'string') out[entry.name] = entry.value;
      return out;
    }),

    consumeGroup: (consumerOptions) => consumeGroup(consumerBase, consumerOptions, logger),

    readToEnd: async (topic, onRecord) => {
      const ranges = await withAdmin(`reading end offsets of ${topic}`, (a) => offsetRange(a, topic));
      const pending = new Map<number, { next: number; end: number }>();
      for (const [partition, r] of ranges) if (r.high > r.low) pending.set(partition, { next: r.low, end: r.high });
      if (pending.size === 0) return;
      try {
        await readRanges(base, topic, pending, onRecord);
      } catch (err) {
        throw translateKafkaError(err, `reading topic ${topic}`, options.connection);
      }
    },

    readFrom: async (topic, from, onRecord) => {
      const ranges = await withAdmin(`reading end offsets of ${topic}`, (a) => offsetRange(a, topic));
      const pending = new Map<number, { next: number; end: number }>();
      const reached = new Map<number, number>();
      for (const [partition, r] of ranges) {
        const next = Math.max(r.low, from.get(partition) ?? r.low);
        reached.set(partition, Math.max(next, r.high));
        if (r.high > next) pending.set(partition, { next, end: r.high });
      }
      if (pending.size === 0) return reached;
      try {
        await readRanges(base, topic, pending, onRecord);
      } catch (err) {
        throw translateKafkaError(err, `reading topic ${topic}`, options.connection);
      }
      return reached;
    },

    close: async () => {
      const a = admin;
      admin = undefined;
      if (a) await a.close().catch(() => undefined);
    },
  };
}

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

type Emit = (batch: RecordsBatch) => void;

/**
 * Read-committed delivery of one partition's batches, decided on the client from the transaction markers:
 * a transactional batch is held until its producer's next marker says commit (delivered) or abort (dropped);
 * batches behind a held one wait too, so delivery stays in offset order. Control batches are never delivered.
 * (Fetching as read_committed and trusting the broker's aborted-transaction list was tried: with this client,
 * committed batches that followed an aborted transaction of the same producer id went missing.)
 */
function committedBatches(emit: Emit) {
  const held: Array<{ batch: RecordsBatch; state: 'open' | 'keep' | 'drop' }> = [];
  const open = new Set<bigint>();
  const flush = () => {
    while (held.length > 0 && held[0]!.state !== 'open') {
      const h = held.shift()!;
      if (h.state === 'keep') emit(h.batch);
    }
  };
  return {
    /** Takes the next batch in offset order; `data` false for batches past the range (only their markers count). */
    add(batch: RecordsBatch, data: boolean): void {
      if ((batch.attributes & CONTROL) !== 0) {
        const pid = batch.producerId;
        if (!open.has(pid)) return;
        // Control record key: int16 version, int16 type (0 = abort, 1 = commit).
        const key = batch.records[0]?.key;
        const state = key && key.length >= 4 && key.readInt16BE(2) === 0 ? 'drop' : 'keep';
        for (const h of held) if (h.state === 'open' && h.batch.producerId === pid) h.state = state;
        open.delete(pid);
        flush();
        return;
      }
      if (!data) return;
      if ((batch.attributes & TRANSACTIONAL) !== 0) {
        held.push({ batch, state: 'open' });
        open.add(batch.producerId);
      } else if (held.length > 0) {
        held.push({ batch, state: 'keep' });
      } else {
        emit(batch);
      }
    },
    /** Whether a transaction of the range still waits for its marker. */
    get waiting(): boolean {
      return open.size > 0;
    },
  };
}

/**
 * Reads each partition from `next` up to `end` (a last stable offset) with plain Fetch requests: no consumer
 * group to join, so a replay costs no rebalance delay. A consumer of its own per call, because the client keeps
 * one incremental fetch session per broker and two readers sharing it would take each other's records. Delivers
 * what a read_committed consumer sees (see committedBatches); a transaction that began before `end` may have its
 * marker after it, so reading goes on past `end` (delivering nothing more) until every such marker is seen. The
 * record just below `end` always exists (the log cleaner never touches the active segment), so every partition
 * reaches its end.
 */
async function readRanges(base: BaseOptions, topic: string, pending: Map<number, { next: number; end: number; start?: number }>, onRecord: RecordHandler): Promise<void> {
  const reader = new Consumer({ ...base, groupId: `tscdc-read-${randomUUID()}` });
  const deliveries = new Map<number, ReturnType<typeof committedBatches>>();
  for (const [partition, range] of pending) {
    deliveries.set(partition, committedBatches((batch) => {
      const first = Number(batch.firstOffset);
      for (const record of batch.records) {
        const offset = first + record.offsetDelta;
        if (offset >= range.start! && offset < range.end) onRecord(record.key, record.value, partition, offset);
      }
    }));
    range.start = range.next;
  }
  try {
    // The partitions still to read, by the broker that leads them (waiting while none has a leader).
    const leaders = () => retry(async (attempt) => {
      const metadata: ClusterMetadata = await reader.metadata({ topics: [topic], forceUpdate: attempt.number > 1 });
      const info = metadata.topics.get(topic);
      if (!info) throw new Error(`No metadata for topic ${topic}`);
      const byLeader = new Map<number, number[]>();
      for (const partition of pending.keys()) {
        const leader = info.partitions[partition]?.leader ?? -1;
        if (leader >= 0) (byLeader.get(leader) ?? byLeader.set(leader, []).get(leader)!).push(partition);
      }
      if (byLeader.size === 0) throw new Error(`No leader for the partitions of ${topic}`);
      return { info, byLeader };
    }, POLL) as Promise<{ info: ClusterTopicMetadata; byLeader: Map<number, number[]> }>;
    while (pending.size > 0) {
      const { info, byLeader } = await leaders();
      await Promise.all([...byLeader].map(async ([node, partitions]) => {
        const response = await reader.fetch({
          node, maxWaitTime: 500, minBytes: 1, maxBytes: 64 * 1024 * 1024, isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
          topics: [{
            topicId: info.id,
            partitions: partitions.map((partition) => ({
              partition, fetchOffset: BigInt(pending.get(partition)!.next), partitionMaxBytes: 8 * 1024 * 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1,
            })),
          }],
        });
        for (const t of response.responses) {
          for (const p of t.partitions) {
            const range = pending.get(p.partitionIndex);
            const delivery = deliveries.get(p.partitionIndex);
            if (!range || !delivery) continue;
            if (p.errorCode !== 0) throw Object.assign(new Error(`Fetch of ${topic}[${p.partitionIndex}] failed with error code ${p.errorCode}`), { errorCode: p.errorCode });
            let fetched = false;
            for (const batch of p.records ?? []) {
              const first = Number(batch.firstOffset);
              const last = first + batch.lastOffsetDelta;
              if (last < range.next) continue;
              delivery.add(batch, first < range.end);
              range.next = last + 1;
              fetched = true;
            }
            // Everything up to the stable end is read (compaction may have removed the last offsets' records), and
            // every transaction begun before it is decided.
            const atEnd = range.next >= range.end || (!fetched && Number(p.highWatermark) <= range.next);
            if (atEnd && !delivery.waiting) pending.delete(p.partitionIndex);
          }
        }
      }));
    }
  } finally {
    await reader.close(true).catch(() => undefined);
  }
}

/**
 * Round robin over the members subscribed to each topic. The client's own assigners share out only the group
 * leader's topics, to every member whatever each subscribed to, so consumers of different topics sharing a group
 * id (Debezium's default `signal.kafka.groupId` is the same for every connector) would never get their own
 * partitions.
 */
function subscribedRoundRobin(_current: string, members: Map<string, ExtendedGroupProtocolSubscription>, _topics: Set<string>, metadata: ClusterMetadata): GroupPartitionsAssignments[] {
  const ids = [...members.keys()].sort();
  const out = new Map<string, GroupPartitionsAssignments>(ids.map((memberId) => [memberId, { memberId, assignments: new Map() }]));
  const topics = [...new Set(ids.flatMap((id) => members.get(id)!.topics ?? []))].sort();
  for (const topic of topics) {
    const takers = ids.filter((id) => members.get(id)!.topics?.includes(topic));
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    for (let partition = 0; partition < count; partition++) {
      const own = out.get(takers[partition % takers.length]!)!.assignments;
      const entry = own.get(topic) ?? own.set(topic, { topic, partitions: [] }).get(topic)!;
      entry.partitions.push(partition);
    }
  }
  return [...out.values()];
}

/** See KafkaClient.consumeGroup. */
async function consumeGroup(base: BaseOptions, { groupId, topic, onRecord, onFatal }: GroupConsumerOptions, logger: Logger): Promise<GroupConsumer> {
  const consumer = new Consumer({
    ...base, groupId, sessionTimeout: 10_000, heartbeatInterval: 3000, rebalanceTimeout: 30_000,
    partitionAssigner: subscribedRoundRobin, autocommit: false, maxWaitTime: 1000,
  });
  const log = (err: unknown) => ({ topic, groupId, err: translateKafkaError(err, `reading topic ${topic}`).message });
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>;

  /**
   * Partitions the group has never read start at their end (fallback "latest"); that start is committed at
   * once, so records written while the consumer is away later (a paused task) are still read when it returns.
   * Runs after every (re)assignment.
   */
  async function commitStarts(): Promise<void> {
    const mine = consumer.assignments?.find((a) => a.topic === topic);
    if (!mine || mine.partitions.length === 0) return;
    const committed = (await consumer.listCommittedOffsets({ topics: [mine] })).get(topic) ?? [];
    const offsets = mine.partitions.flatMap((partition) => {
      const position = stream.offsetsToFetch.get(`${topic}:${partition}`);
      return (committed[partition] ?? -1n) < 0n && position !== undefined ? [{ topic, partition, offset: position, leaderEpoch: -1 }] : [];
    });
    if (offsets.length > 0) await consumer.commit({ offsets });
  }

  try {
    stream = await consumer.consume({
      topics: [topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.LATEST, autocommit: false,
    });
    // Positioned (committed offsets or the end) before this resolves: nothing written from now on is missed.
    await new Promise<void>((resolve, reject) => {
      stream.once('offsets', () => { stream.off('error', reject); resolve(); });
      stream.once('error', reject);
    });
    await commitStarts();
  } catch (err) {
    await consumer.close(true).catch(() => undefined);
    throw translateKafkaError(err, `consuming topic ${topic} in group ${groupId}`);
  }
  stream.on('offsets', () => void commitStarts().catch((err: unknown) => logger.debug(log(err), 'committing the start of newly assigned partitions failed')));

  let stopping: Promise<void> | undefined;
  const loop = (async () => {
    for await (const message of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
      const offset = Number(message.offset);
      try {
        await onRecord(message.key ?? null, message.value ?? null, message.partition, offset);
      } catch (err) {
        logger.warn({ topic, partition: message.partition, offset, err: err instanceof Error ? err.message : String(err) }, 'handling a consumed record failed; skipped');
      }
      // Committed right away: the next member of the group (e.g. the restarted task) must not handle it again.
      await (message.commit() as Promise<void>).catch((err: unknown) => logger.debug(log(err), 'offset commit failed'));
    }
  })().catch((err: unknown) => {
    if (stopping) return;
    logger.warn(log(err), 'Kafka consumer failed and stopped');
    onFatal?.(err);
  });

  return {
    stop: () => (stopping ??= (async () => {
      await stream.close().catch(() => undefined);
      await loop;
      await consumer.close(true).catch((err: unknown) => logger.warn(log(err), 'Kafka consumer did not disconnect cleanly'));
    })()),
  };
}
