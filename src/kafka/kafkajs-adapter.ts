/**
 * The only file that imports kafkajs. kafkajs is in maintenance mode, so everything else uses the small API in
 * ./types.ts and this adapter stays the single place to change when swapping clients.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire, Module } from 'node:module';
import type { Admin, Consumer, Kafka, LogEntry, Message, PartitionAssigner, PartitionerArgs, Producer, RetryOptions, SASLOptions, TopicMessages } from 'kafkajs';
import type * as KafkaJs from 'kafkajs';
import type { Logger } from '../logging/index.js';
import { crc32c } from './crc32c.js';
import { hasKafkaErrorType, translateKafkaError } from './errors.js';
import { partitionForKey } from './murmur2.js';
import { encodeProduceRequest, type ProduceRequestFields } from './produce-request.js';
import { encodeRequestFrame, type RequestHeader } from './request-frame.js';
import { encodeRecordBatch, type BatchRecord, type RecordBatchFields } from './record-batch.js';
import type { GroupConsumer, GroupConsumerOptions, KafkaClient, OutgoingMessage, ProducerOptions, RecordHandler, RecordProducer, TopicSpec } from './types.js';

const kafkajs = loadKafkaJs();
const { Kafka: KafkaCtor, logLevel, CompressionTypes, ConfigResourceTypes, AssignerProtocol } = kafkajs;

/**
 * Loads kafkajs with our request framing, produce request and record batch encoders (same bytes, one exactly
 * sized buffer per request), CRC-32C and per-partition grouping in place of its own, by seeding the module cache
 * before kafkajs first requires those modules; its Record function then passes each record's fields through.
 * kafkajs is in maintenance mode, so these internal paths are stable; if they ever move, kafkajs simply keeps
 * its own implementations.
 */
function loadKafkaJs(): typeof KafkaJs {
  const require = createRequire(import.meta.url);
  const internal = 'kafkajs/src/protocol/';
  try {
    const Encoder = require(`${internal}encoder.js`) as new (size?: number) => { buf: Buffer; offset: number };
    const { lookupCodec } = require(`${internal}message/compression/index.js`) as {
      lookupCodec(type: number): { compress(encoder: { buffer: Buffer }): Promise<Buffer> } | null;
    };
    const asEncoder = (bytes: Buffer) => {
      const e = new Encoder(0);
      e.buf = bytes;
      e.offset = bytes.length;
      return e;
    };
    // Resolve all first: either every replacement is in place or none is.
    const [crcPath, recordPath, batchPath] = ['recordBatch/crc32C/index.js', 'recordBatch/record/v0/index.js', 'recordBatch/v0/index.js']
      .map((p) => require.resolve(`${internal}${p}`)) as [string, string, string];
    const groupingPath = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
    const produceV3Path = require.resolve(`${internal}requests/produce/v3/request.js`);
    const requestPath = require.resolve(`${internal}request.js`);
    const { Produce: produceApiKey } = require(`${internal}requests/apiKeys.js`) as { Produce: number };
    const compressor = (compression: number | undefined) => async (records: Buffer) => {
      const codec = lookupCodec(compression ?? 0);
      if (codec === null) throw new Error(`Unsupported compression codec ${compression}`);
      return codec.compress({ buffer: records });
    };
    // Our produce requests encode their body behind the header themselves (`encodeFramed`); others are framed here.
    seedModule(require, requestPath, async ({ correlationId, clientId, request }: {
      correlationId: number; clientId: string | null;
      request: { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }>; encodeFramed?: (h: RequestHeader) => Promise<Buffer> };
    }) => {
      const header = { apiKey: request.apiKey, apiVersion: request.apiVersion, correlationId, clientId: clientId ?? null };
      if (request.encodeFramed) return asEncoder(await request.encodeFramed(header));
      return asEncoder(encodeRequestFrame(header, (await request.encode()).buffer));
    });
    seedModule(require, crcPath, crc32c);
    seedModule(require, recordPath, (record: BatchRecord) => record);
    seedModule(require, groupingPath, groupMessagesPerPartition);
    seedModule(require, batchPath, {
      MAGIC_BYTE: 2,
      RecordBatch: async (fields: RecordBatchFields) => asEncoder(await encodeRecordBatch(fields, compressor(fields.compression))),
    });
    // Produce v4–v7 requests are v3's with another version number.
    seedModule(require, produceV3Path, (fields: ProduceRequestFields) => ({
      apiKey: produceApiKey,
      apiVersion: 3,
      apiName: 'Produce',
      expectResponse: () => fields.acks !== 0,
      encode: async () => asEncoder(await encodeProduceRequest(fields, compressor(fields.compression))),
      encodeFramed: (header: RequestHeader) => encodeProduceRequest(fields, compressor(fields.compression), header),
    }));
  } catch {
    // kafkajs's layout changed: keep its own encoders.
  }
  return require('kafkajs') as typeof KafkaJs;
}

/**
 * kafkajs's grouping of a topic's messages by partition (same result: partition → messages in send order), in
 * O(n): kafkajs copies the partition's array for every message.
 */
function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: {
  topic: string; partitionMetadata: PartitionerArgs['partitionMetadata']; messages: Message[];
  partitioner: (args: PartitionerArgs) => number;
}): Record<number, Message[]> {
  const result: Record<number, Message[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

function seedModule(require: NodeJS.Require, path: string, exports: unknown): void {
  if (require.cache[path] !== undefined) return;
  const mod = new Module(path);
  mod.filename = path;
  mod.loaded = true;
  mod.exports = exports;
  require.cache[path] = mod;
}

/**
 * kafkajs's DefaultPartitioner (the Java client's choice: murmur2 of the key for keyed records, round robin over
 * partitions with a leader otherwise), with our 32-bit murmur2 (kafkajs's emulates 64-bit Longs, allocating
 * per key byte) and without filtering the partition list for every keyed record.
 */
function createDefaultPartitioner() {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const key = message.key;
    if (key !== null && key !== undefined) {
      return partitionForKey(Buffer.isBuffer(key) ? key : Buffer.from(String(key)), partitionMetadata.length);
    }
    const counter = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[(counter & 0x7fffffff) % available.length]!.partitionId;
    return (counter & 0x7fffffff) % partitionMetadata.length;
  };
}

export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** TCP connect timeout per broker, ms. Default 3000. */
  connectionTimeoutMs?: number;
  /** Attempts kafkajs makes itself before an operation fails (backoff 100 ms doubling, max 5 s). Default 5. */
  retries?: number;
}

/** kafkajs log lines go to our logger at warn level at most: we report failures ourselves, translated. */
function logCreatorFor(logger: Logger) {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _ts, logger: _name, ...extra } = log;
    // We limit the idempotent producer's internal retries on purpose (the task runner retries with backoff
    // and can be stopped); kafkajs warns about that on every producer.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    const fields = { kafkajs: namespace, ...extra };
    // Error responses to single requests ("Response CreateTopics", "Response Produce") are also reported by the
    // operation that retries or fails on them, e.g. TOPIC_ALREADY_EXISTS, which we expect; keep them at debug.
    // Rebalances of a consumer group (a member joining or leaving) are routine; kafkajs rejoins by itself.
    const perRequest = (namespace === 'Connection' && message.startsWith('Response ')) || message.startsWith('The group is rebalancing');
    if (level <= logLevel.WARN && !perRequest) logger.warn(fields, `kafkajs: ${message}`);
    else logger.debug(fields, `kafkajs: ${message}`);
  };
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const { logger } = options;
  const retry: RetryOptions = { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 5000 };
  const newKafka = (): Kafka => new KafkaCtor({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ssl: options.ssl,
    sasl: options.sasl as SASLOptions | undefined,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(logger),
    retry,
  });
  const kafka = newKafka();

  let admin: Admin | undefined;
  let adminReady: Promise<Admin> | undefined;
  function getAdmin(): Promise<Admin> {
    if (!adminReady) {
      const a = kafka.admin();
      adminReady = a.connect().then(() => { admin = a; return a; }, (err: unknown) => {
        adminReady = undefined;
        throw translateKafkaError(err, 'connecting to Kafka');
      });
    }
    return adminReady;
  }

  /**
   * Runs an admin call. Some calls (ListOffsets, DescribeConfigs) fail with NOT_LEADER and the like for a moment
   * after a topic is created, until the broker has taken leadership, and kafkajs does not retry those itself.
   */
  async function withAdmin<T>(action: string, fn: (a: Admin) => Promise<T>): Promise<T> {
    const a = await getAdmin();
    for (let attempt = 1, delay = 100; ; attempt++, delay = Math.min(delay * 2, 2000)) {
      try {
        return await fn(a);
      } catch (err) {
        const translated = translateKafkaError(err, action);
        if (translated.code !== 'KAFKA_TRANSIENT' || attempt >= 8) throw translated;
        logger.debug({ err: translated.message, attempt }, 'Transient Kafka admin error; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function endOffsets(a: Admin, topic: string): Promise<Array<{ partition: number; low: number; high: number }>> {
    const offsets = await fetchTopicOffsets(a, topic);
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
  }

  return {
    createProducer: (producerOptions) => createRecordProducer(kafka, producerOptions ?? {}, retry),

    ensureTopic: (name: string, spec: TopicSpec) => withAdmin(`creating topic ${name}`, async (a) => {
      const configEntries = Object.entries(spec.configs ?? {}).map(([k, v]) => ({ name: k, value: v }));
      let created: boolean;
      try {
        created = await a.createTopics({
          waitForLeaders: false,
          topics: [{ topic: name, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor, configEntries }],
        });
      } catch (err) {
        // Another worker or an earlier attempt created it in the meantime.
        if (hasKafkaErrorType(err, 'TOPIC_ALREADY_EXISTS')) return false;
        throw err;
      }
      if (created) await waitForLeaders(a, name);
      return created;
    }),

    topicExists: (name) => withAdmin('listing topics', async (a) => (await a.listTopics()).includes(name)),

    deleteTopics: (names) => withAdmin(`deleting topics ${names.join(', ')}`, async (a) => {
      if (names.length > 0) await a.deleteTopics({ topics: [...names] });
    }),

    listTopics: () => withAdmin('listing topics', (a) => a.listTopics()),

    clusterId: () => withAdmin('describing the cluster', async (a) => (await a.describeCluster()).clusterId),

    highWatermarks: (topic) => withAdmin(`reading end offsets of ${topic}`, async (a) =>
      new Map((await endOffsets(a, topic)).map((o) => [o.partition, o.high]))),

    topicConfigs: (topic) => withAdmin(`describing topic ${topic}`, async (a) => {
      const res = await a.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      const out: Record<string, string> = {};
      for (const entry of res.resources[0]?.configEntries ?? []) out[entry.configName] = entry.configValue;
      return out;
    }),

    // A kafkajs instance of its own: kafkajs keeps one committed-offsets map per group id for all the consumers
    // of an instance, and a rebalance of one consumer clears the entries of another in the same group.
    consumeGroup: (consumerOptions) => consumeGroup(newKafka(), consumerOptions, retry, logger, (action, fn) => withAdmin(action, fn)),

    readToEnd: async (topic, onRecord) => {
      const ends = await withAdmin(`reading end offsets of ${topic}`, (a) => endOffsets(a, topic));
      const targets = new Map<number, number>();
      for (const o of ends) if (o.high > o.low) targets.set(o.partition, o.high);
      if (targets.size === 0) return;
      await consumeUntil(kafka, topic, targets, onRecord, retry);
    },

    close: async () => {
      const a = admin;
      admin = undefined;
      adminReady = undefined;
      if (a) await a.disconnect();
    },
  };
}

/**
 * kafkajs throws a TypeError ("Cannot destructure property 'partitions' of 'low.pop(...)'") when its metadata
 * does not yet know the leader of a just-created topic's partition; a later attempt succeeds.
 */
async function fetchTopicOffsets(a: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await a.fetchTopicOffsets(topic);
    } catch (err) {
      if (!(err instanceof TypeError) || attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
      await a.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined); // refreshes kafkajs's metadata
    }
  }
}

/**
 * kafkajs's own waitForLeaders fails with UNKNOWN_TOPIC_OR_PARTITION when the broker it asks has not yet seen
 * the new topic (KRaft metadata propagates asynchronously), so poll the metadata until every partition has one.
 */
async function waitForLeaders(a: Admin, topic: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { topics } = await a.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
    } catch (err) {
      if (attempt >= 100) throw err;
    }
    if (attempt >= 100) throw new Error(`Timed out waiting for leaders of the new topic ${topic}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function createRecordProducer(kafka: Kafka, options: ProducerOptions, retry: RetryOptions): RecordProducer {
  const idempotent = options.idempotent ?? true;
  const compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const timeout = options.requestTimeoutMs ?? 30000;
  const producer: Producer = kafka.producer({
    idempotent,
    // kafkajs's idempotent producer requires a single request in flight; it also keeps order on retries.
    maxInFlightRequests: 1,
    createPartitioner: createDefaultPartitioner,
    allowAutoTopicCreation: true,
    // Bounded: the task runner retries retriable failures itself, with backoff, and can be stopped meanwhile.
    retry,
  });
  let connected: Promise<void> | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  function connect(): Promise<void> {
    if (!connected) {
      connected = producer.connect().catch((err: unknown) => {
        connected = undefined;
        throw translateKafkaError(err, 'connecting the producer to Kafka');
      });
    }
    return connected;
  }

  async function sendNow(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await connect();
    // Our message objects already have kafkajs's shape (it accepts numeric timestamps); grouping keeps the
    // order of messages within each topic, hence within each partition.
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      let list = byTopic.get(m.topic);
      if (!list) byTopic.set(m.topic, (list = []));
      list.push(m as unknown as Message);
    }
    const topicMessages: TopicMessages[] = [];
    for (const [topic, list] of byTopic) topicMessages.push({ topic, messages: list });
    try {
      await producer.sendBatch({ topicMessages, acks: -1, timeout, compression });
    } catch (err) {
      throw translateKafkaError(err, 'producing to Kafka');
    }
  }

  return {
    send(messages) {
      const run = tail.then(() => sendNow(messages));
      tail = run.catch(() => undefined);
      return run;
    },
    async disconnect() {
      await tail;
      if (connected) {
        connected = undefined;
        await producer.disconnect();
      }
    },
  };
}

/**
 * kafkajs has no `assign()`, so a consumer joins a throw-away group (unique id, never commits) and reads from
 * the beginning; a partition is done once a batch reaches its captured end offset. The END_BATCH_PROCESS event
 * also fires for batches that held only control records, so transaction markers at the end cannot stall us.
 * The record just below the end offset always exists: the log cleaner never touches the active segment, and a
 * segment only rolls when a newer record is appended.
 */
async function consumeUntil(kafka: Kafka, topic: string, targets: Map<number, number>, onRecord: RecordHandler, retry: RetryOptions): Promise<void> {
  const ends = new Map(targets);
  const pending = new Set(targets.keys());
  const consumer: Consumer = kafka.consumer({
    groupId: `tscdc-read-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    sessionTimeout: 10000,
    heartbeatInterval: 3000,
    retry,
  });
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => { finish = resolve; fail = reject; });

  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== topic || !pending.has(payload.partition)) return;
    if (Number(payload.lastOffset) >= (ends.get(payload.partition) ?? 0) - 1) pending.delete(payload.partition);
    if (pending.size === 0) finish();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(translateKafkaError(payload.error, `reading topic ${topic}`)));

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= end) break;
          onRecord(m.key, m.value, batch.partition, offset);
        }
      },
    });
    await done;
  } catch (err) {
    throw translateKafkaError(err, `reading topic ${topic}`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Round robin over the members subscribed to each topic. kafkajs's own assigners share out only the group
 * leader's topics, to every member whatever each subscribed to, so consumers of different topics sharing a group
 * id (Debezium's default `signal.kafka.groupId` is the same for every connector) would never get their own
 * partitions. Partition counts come from the admin connection: the leader's consumer has metadata for its own
 * topics only, and adding the others to it would make its metadata refreshes fail once one of them is deleted.
 */
function subscribedRoundRobin(partitionsOf: (topic: string) => Promise<number[]>): PartitionAssigner {
  const name = 'TscdcSubscribedRoundRobin';
  return () => ({
    name,
    version: 0,
    async assign({ members }) {
      const subscribed = members.map(({ memberId, memberMetadata }) => ({
        memberId,
        topics: new Set(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.topics ?? []),
      })).sort((a, b) => a.memberId.localeCompare(b.memberId));
      const assignment = new Map<string, Record<string, number[]>>(subscribed.map((m) => [m.memberId, {}]));
      const topics = [...new Set(subscribed.flatMap((m) => [...m.topics]))].sort();
      for (const topic of topics) {
        const takers = subscribed.filter((m) => m.topics.has(topic));
        const partitions = await partitionsOf(topic);
        partitions.forEach((partition, i) => {
          const own = assignment.get(takers[i % takers.length]!.memberId)!;
          (own[topic] ??= []).push(partition);
        });
      }
      return [...assignment].map(([memberId, own]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: own, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

/** See KafkaClient.consumeGroup. */
async function consumeGroup(
  kafka: Kafka, { groupId, topic, onRecord, onFatal }: GroupConsumerOptions, retry: RetryOptions, logger: Logger,
  withAdmin: <T>(action: string, fn: (a: Admin) => Promise<T>) => Promise<T>,
): Promise<GroupConsumer> {
  // Where partitions the group has never read start: their end now. kafkajs would resolve "latest" only at its
  // first fetch, after joining, and a record written in between would be skipped.
  const { ends, committed } = await withAdmin(`reading offsets of ${topic} for group ${groupId}`, async (a) => ({
    ends: await fetchTopicOffsets(a, topic),
    committed: await a.fetchOffsets({ groupId, topics: [topic] }),
  }));
  const hasCommitted = new Set((committed[0]?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => p.partition));
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 1000,
    sessionTimeout: 10000,
    heartbeatInterval: 3000,
    partitionAssigners: [subscribedRoundRobin(async (t) => {
      try {
        const { topics } = await withAdmin(`describing topic ${t}`, (a) => a.fetchTopicMetadata({ topics: [t] }));
        return (topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
      } catch (err) {
        // A member's topic that is gone gets nothing; the others are still assigned.
        logger.debug({ topic: t, groupId, err: err instanceof Error ? err.message : String(err) }, 'no partitions to assign for topic');
        return [];
      }
    })],
    retry,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    const fields = { topic, groupId, err: translateKafkaError(payload.error, `reading topic ${topic}`).message };
    // kafkajs restarts the consumer after retriable errors; after others it stays stopped until stop() and a new start.
    if (payload.restart) logger.warn(fields, 'Kafka consumer failed; restarting it');
    else {
      logger.warn(fields, 'Kafka consumer failed and stopped');
      onFatal?.(payload.error);
    }
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 1,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        try {
          await onRecord(message.key, message.value, partition, offset);
        } catch (err) {
          logger.warn({ topic, partition, offset, err: err instanceof Error ? err.message : String(err) }, 'handling a consumed record failed; skipped');
        }
        // Committed right away: the next member of the group (e.g. the restarted task) must not handle it again.
        await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1) }]).catch((err: unknown) => {
          logger.debug({ topic, partition, offset, err: err instanceof Error ? err.message : String(err) }, 'offset commit failed; left to auto-commit');
        });
      },
    });
    // With autoCommit on, kafkajs commits a seek position once the partition is assigned.
    for (const p of ends) {
      if (!hasCommitted.has(p.partition)) consumer.seek({ topic, partition: p.partition, offset: p.high });
    }
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw translateKafkaError(err, `consuming topic ${topic} in group ${groupId}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    stop: () => (stopping ??= consumer.disconnect().catch((err: unknown) => {
      logger.warn({ topic, groupId, err: err instanceof Error ? err.message : String(err) }, 'Kafka consumer did not disconnect cleanly');
    })),
  };
}
