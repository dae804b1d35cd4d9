import type { ConvertedBytes } from '../../schemas/index.js';
/**
 * Our own small Kafka API. Everything outside src/kafka/ talks to Kafka through these interfaces only,
 * so the client library behind them (@platformatic/kafka today, in ./platformatic-adapter.ts) can be swapped without touching callers.
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

/** Kafka's `compression.type` values for producers. */
export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Kafka's `security.protocol`. */
export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** TLS to the brokers (`security.protocol` SSL or SASL_SSL), from the `ssl.*` settings. */
export interface KafkaTls {
  /** Trusted CA certificates, PEM (`ssl.truststore.*`). Absent: Node's built-in root CAs. */
  ca?: string;
  /** Client certificate chain and private key, PEM (`ssl.keystore.*`), for brokers that require client auth. */
  cert?: string;
  key?: string;
  /** Passphrase of an encrypted PEM key (`ssl.key.password`). */
  keyPassword?: string;
  /** Client keystore as PKCS#12 (`ssl.keystore.type=PKCS12`) and its password, in place of cert/key. */
  pfx?: Buffer;
  pfxPassword?: string;
  /** `ssl.endpoint.identification.algorithm=https` (the default): the certificate must name the broker's host. */
  verifyHostname: boolean;
  /** From `ssl.enabled.protocols`/`ssl.protocol`. Absent: Node's defaults (TLS 1.2 and 1.3). */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** OAUTHBEARER with a token from an OAuth 2 token endpoint (client-credentials grant), as Kafka's OIDC login. */
export interface KafkaOAuth {
  tokenEndpointUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** SASL extensions sent with the token (JAAS `extension_<name>=value`). */
  extensions?: Readonly<Record<string, string>>;
  /** Timeouts of the token request, ms (`sasl.login.connect.timeout.ms`, `sasl.login.read.timeout.ms`). */
  timeoutMs?: number;
  /** `sasl.oauthbearer.header.urlencode`: URL-encode client id and secret before Basic auth (RFC 6749 §2.3.1).
   * Kafka's default is false: the id and secret are sent as they are. */
  urlEncodeCredentials?: boolean;
}

/** SASL authentication (`security.protocol` SASL_PLAINTEXT or SASL_SSL), from `sasl.mechanism` and `sasl.jaas.config`. */
export interface KafkaSasl {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';
  /** PLAIN and SCRAM. */
  username?: string;
  password?: string;
  /** OAUTHBEARER. */
  oauth?: KafkaOAuth;
}

/** How one kind of client (producer, consumer, admin) reaches the cluster. */
export interface KafkaConnection {
  brokers: readonly string[];
  protocol: SecurityProtocol;
  /** Present exactly when `protocol` is SSL or SASL_SSL. */
  tls?: KafkaTls;
  /** Present exactly when `protocol` is SASL_PLAINTEXT or SASL_SSL. */
  sasl?: KafkaSasl;
}

export interface ProducerOptions {
  /** Idempotent producer (acks=all). Default true. */
  idempotent?: boolean;
  /** `compression.type`. Default 'none'. */
  compression?: CompressionType;
  /** Broker-side wait for acknowledgement of one request, ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Overrides the client's connection (a task's producer settings, with a connector's `producer.override.*`). */
  connection?: KafkaConnection;
  /** `client.id`; default the client's. */
  clientId?: string;
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

export interface TransactionalProducerOptions extends ProducerOptions {
  /** `transactional.id`: a later producer with the same id fences this one (Kafka's zombie fencing). */
  transactionalId: string;
}

/**
 * A producer that writes in Kafka transactions (exactly-once source delivery). One transaction is open at a time:
 * `begin`, any number of `send`s, then `commit` or `abort`. The first `begin` claims the transactional id: Kafka
 * aborts whatever transaction an earlier producer with the same id left open and fences that producer, whose
 * later sends and commits fail with `KAFKA_PRODUCER_FENCED`.
 */
export interface TransactionalProducer {
  /** Claims the transactional id now (fencing earlier producers with it) without opening a transaction. */
  fence(): Promise<void>;
  begin(): Promise<void>;
  /** Produces into the open transaction; resolves once acknowledged (not yet visible to read_committed consumers). */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Makes every record sent since `begin` visible at once. */
  commit(): Promise<void>;
  /** Drops every record sent since `begin`; a no-op without an open transaction. */
  abort(): Promise<void>;
  readonly inTransaction: boolean;
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
  createTransactionalProducer(options: TransactionalProducerOptions): TransactionalProducer;
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
  /** Bytes the topic's log takes on the brokers (all partitions and replicas), as Kafka's DescribeLogDirs says. */
  logSizeBytes(topic: string): Promise<number>;
  /** Topic-level configs as the broker reports them (explicit and default values). */
  topicConfigs(topic: string): Promise<Record<string, string>>;
  /**
   * Reads the topic from the beginning up to the end offsets captured when called, then resolves. Records
   * produced after the call are not delivered. An empty topic resolves at once. Reads as `isolation.level=
   * read_committed`: records of open or aborted transactions are not delivered.
   */
  readToEnd(topic: string, onRecord: RecordHandler): Promise<void>;
  /**
   * Reads the topic from `from` (partition → next offset; a partition not in it from its beginning) up to the end
   * offsets captured when called. Resolves with the positions reached, for the next call: how a worker follows
   * the internal topics other workers write to.
   */
  readFrom(topic: string, from: ReadonlyMap<number, number>, onRecord: RecordHandler): Promise<Map<number, number>>;
  /** The Kafka cluster id (KRaft cluster id), as `GET /` reports it in `kafka_cluster_id`. */
  clusterId(): Promise<string>;
  /** Disconnects the shared admin connection. Producers are disconnected by their owners. */
  close(): Promise<void>;
}

/** A member's answer from JoinGroup: the generation formed, who leads it, and (for the leader) every member's metadata. */
export interface GroupJoin {
  generation: number;
  memberId: string;
  leader: string;
  /** The protocol the coordinator chose among those every member offered. */
  protocol: string;
  /** Every member and its metadata; empty unless this member is the leader. */
  members: Array<{ memberId: string; metadata: Buffer }>;
}

/**
 * One worker's membership calls to its group's coordinator (Kafka's classic group protocol, protocol type
 * "connect"), as Connect's workers make them. Calls reject with a `WorkerGroupError` whose `kind` says what to do.
 */
export interface WorkerGroupClient {
  /** JoinGroup; waits until the coordinator forms the next generation (up to the rebalance timeout). */
  join(memberId: string, protocols: ReadonlyArray<{ name: string; metadata: Buffer }>): Promise<GroupJoin>;
  /** SyncGroup: the leader hands in every member's assignment; each member gets its own back. */
  sync(generation: number, memberId: string, protocol: string, assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>): Promise<Buffer>;
  heartbeat(generation: number, memberId: string): Promise<void>;
  /** LeaveGroup: the coordinator rebalances the others at once instead of waiting for the session to expire. */
  leave(memberId: string): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerGroupOptions {
  groupId: string;
  clientId: string;
  connection: KafkaConnection;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
}
