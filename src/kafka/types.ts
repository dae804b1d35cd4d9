import type { ConvertedBytes } from '../../schemas/index.js';
/**
 * Our own small Kafka API. Everything outside src/kafka/ talks to Kafka through these interfaces only,
 * so the client library behind them (kafkajs today) can be swapped without touching callers.
 */

/** One record to produce. `partition` absent → the key's murmur2 hash chooses, as Kafka's Java client does. */
export interface OutgoingMessage {
  topic: string;
  partition?: number;
  key: Buffer | null;
  /** Spliced bytes (a converter's shared envelope + payload text) are written out when the request is encoded. */
  value: ConvertedBytes | null;
  headers?: Readonly<Record<string, string | Buffer>>;
  /** Record timestamp in ms; defaults to the time of sending. */
  timestamp?: number;
}

export interface ProducerOptions {
  /** Idempotent producer (acks=all, one request in flight per broker). Default true. */
  idempotent?: boolean;
  /** Default 'none'. */
  compression?: 'none' | 'gzip';
  /** Broker-side wait for acknowledgement of one request, ms. Default 30000. */
  requestTimeoutMs?: number;
}

export interface RecordProducer {
  /**
   * Produces the messages (any mix of topics) and resolves once all are acknowledged by all in-sync replicas.
   * Calls are serialised: a second `send` starts after the first settles, so messages to one partition stay in
   * call order. Rejects with a `KafkaError`; on rejection some of the messages may have been written.
   */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TopicSpec {
  partitions: number;
  /** -1 = the broker's default.replication.factor. */
  replicationFactor: number;
  configs?: Readonly<Record<string, string>>;
}

/** Called for each record, in offset order within a partition. */
export type RecordHandler = (key: Buffer | null, value: Buffer | null, partition: number, offset: number) => void;

/** Reading a topic as a member of a consumer group (e.g. the Kafka signal channel). */
export interface GroupConsumerOptions {
  groupId: string;
  topic: string;
  /**
   * Handles one record; its offset is committed once this resolves, so a record is handled once unless the
   * process dies in between. Errors are logged and the record counts as handled (it is not retried).
   */
  onRecord(key: Buffer | null, value: Buffer | null, partition: number, offset: number): void | Promise<void>;
  /** The consumer stopped by itself after an error it does not retry; call stop() and start a new one. */
  onFatal?(err: unknown): void;
}

export interface GroupConsumer {
  /** Leaves the group after the record in hand (if any) is handled and committed. */
  stop(): Promise<void>;
}

export interface KafkaClient {
  createProducer(options?: ProducerOptions): RecordProducer;
  /**
   * Joins `groupId` and reads `topic` (which must exist) from the group's committed offsets. A partition the
   * group has no committed offset for starts at its end as of this call (that start is committed at once), so
   * records written before the group first read the topic are not delivered, and none written after are lost.
   * Resolves once the consumer is running; transient failures later are retried by the consumer itself.
   */
  consumeGroup(options: GroupConsumerOptions): Promise<GroupConsumer>;
  /** Creates the topic if it does not exist. Resolves true if this call created it. */
  ensureTopic(name: string, spec: TopicSpec): Promise<boolean>;
  topicExists(name: string): Promise<boolean>;
  deleteTopics(names: readonly string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Per partition: the offset the next record will get (read-committed end offset). */
  highWatermarks(topic: string): Promise<Map<number, number>>;
  /** Topic-level configs as the broker reports them (explicit and default values). */
  topicConfigs(topic: string): Promise<Record<string, string>>;
  /**
   * Reads the topic from the beginning up to the end offsets captured when called, then resolves. Records
   * produced after the call are not delivered. An empty topic resolves at once.
   */
  readToEnd(topic: string, onRecord: RecordHandler): Promise<void>;
  /** The Kafka cluster id (KRaft cluster id), as `GET /` reports it in `kafka_cluster_id`. */
  clusterId(): Promise<string>;
  /** Disconnects the shared admin connection. Producers are disconnected by their owners. */
  close(): Promise<void>;
}
