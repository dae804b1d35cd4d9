import { CdcError } from '../errors/index.js';

/** A Kafka client error, translated at the adapter's edge. */
export class KafkaError extends CdcError {
  constructor(code: string, message: string, retriable: boolean, fix: string, cause?: unknown) {
    super(code, message, { retriable, fix, cause });
  }
}

const FIX_UNREACHABLE = 'Check bootstrap.servers and that Kafka is running and reachable from this worker.';

/** Broker error types (Kafka protocol names) that mean "try again": leadership moves, broker restarts. */
const TRANSIENT_TYPES = new Set([
  'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'NETWORK_EXCEPTION', 'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'KAFKA_STORAGE_ERROR', 'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH', 'NOT_CONTROLLER', 'REBALANCE_IN_PROGRESS', 'THROTTLING_QUOTA_EXCEEDED',
  'CONCURRENT_TRANSACTIONS', 'UNKNOWN_SERVER_ERROR',
]);

/** Broker error types that no retry fixes, with what the user should do. */
const PERMANENT: Record<string, { code: string; fix: string }> = {
  MESSAGE_TOO_LARGE: { code: 'KAFKA_RECORD_TOO_LARGE', fix: 'Raise max.message.bytes on the topic (and message.max.bytes on the broker), or make records smaller (e.g. exclude large columns).' },
  RECORD_LIST_TOO_LARGE: { code: 'KAFKA_RECORD_TOO_LARGE', fix: 'Raise max.message.bytes on the topic (and message.max.bytes on the broker), or make records smaller.' },
  INVALID_RECORD: { code: 'KAFKA_INVALID_RECORD', fix: 'Check the topic configuration (e.g. compacted topics need keys on every record).' },
  TOPIC_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal access to the topic (ACLs).' },
  GROUP_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal access to consumer groups (ACLs).' },
  CLUSTER_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal the cluster permissions it needs (IdempotentWrite, CreateTopics).' },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal access to its transactional id.' },
  SASL_AUTHENTICATION_FAILED: { code: 'KAFKA_AUTH_FAILED', fix: 'Check the SASL mechanism, user name and password for Kafka.' },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 'KAFKA_TOPIC_MISSING', fix: 'Create the topic, enable topic creation (topic.creation.default.* settings), or set auto.create.topics.enable=true on the broker.' },
  INVALID_TOPIC_EXCEPTION: { code: 'KAFKA_INVALID_TOPIC', fix: 'Use a valid topic name: letters, digits, ".", "_" and "-", at most 249 characters.' },
  INVALID_REPLICATION_FACTOR: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'Use a replication factor no larger than the number of brokers, or -1 for the broker default.' },
  INVALID_PARTITIONS: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'Use a partition count of at least 1, or -1 for the broker default.' },
  INVALID_CONFIG: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'Check the topic configs passed for creation (topic.creation.* settings).' },
  POLICY_VIOLATION: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'The broker\'s create-topic policy rejected the topic; create it yourself or adjust the settings.' },
  UNSUPPORTED_VERSION: { code: 'KAFKA_UNSUPPORTED', fix: 'Use Kafka 2.8 or newer.' },
};

const NETWORK_ERROR_NAMES = new Set([
  'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError', 'KafkaJSMetadataNotLoaded', 'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment', 'KafkaJSGroupCoordinatorNotFound', 'KafkaJSLockTimeout',
]);

interface ErrorLike { name?: string; message?: string; type?: string; retriable?: boolean; cause?: unknown; code?: string; errors?: unknown[] }

/** The error itself and everything it wraps (cause chains, aggregate `errors`), outermost first. */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const pending: unknown[] = [err];
  while (pending.length > 0 && out.length < 20) {
    const e = pending.shift();
    if (e === null || typeof e !== 'object' || out.includes(e as ErrorLike)) continue;
    const el = e as ErrorLike;
    out.push(el);
    if (el.cause !== undefined) pending.push(el.cause);
    if (Array.isArray(el.errors)) pending.push(...el.errors);
  }
  return out;
}

/** Whether the error or anything it wraps is a broker error of this protocol type, e.g. `TOPIC_ALREADY_EXISTS`. */
export function hasKafkaErrorType(err: unknown, type: string): boolean {
  return chain(err).some((e) => e.type === type);
}

/**
 * Turns a kafkajs (or socket) error into a `KafkaError` with a code, retriability and a fix. `action` says what
 * we were doing, e.g. `producing to Kafka`. Already-translated errors pass through unchanged.
 */
export function translateKafkaError(err: unknown, action: string): CdcError {
  if (err instanceof CdcError) return err;
  const all = chain(err);
  const detail = all.map((e) => e.message).filter(Boolean).at(-1) ?? String(err);
  for (const e of all) {
    const permanent = e.type ? PERMANENT[e.type] : undefined;
    if (permanent) return new KafkaError(permanent.code, `Kafka rejected ${action}: ${e.type}: ${e.message ?? ''}`, false, permanent.fix, err);
    if (e.name === 'KafkaJSSASLAuthenticationError') return new KafkaError('KAFKA_AUTH_FAILED', `Kafka authentication failed while ${action}: ${e.message ?? ''}`, false, PERMANENT.SASL_AUTHENTICATION_FAILED!.fix, err);
  }
  for (const e of all) {
    const socketCode = typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code);
    if ((e.name && NETWORK_ERROR_NAMES.has(e.name)) || socketCode) {
      return new KafkaError('KAFKA_UNAVAILABLE', `Kafka is unreachable while ${action}: ${detail}`, true, FIX_UNREACHABLE, err);
    }
    if (e.type && TRANSIENT_TYPES.has(e.type)) {
      return new KafkaError('KAFKA_TRANSIENT', `Transient Kafka error while ${action}: ${e.type}`, true, 'Usually resolves by itself (leader election, broker restart); check broker health if it persists.', err);
    }
  }
  // kafkajs marks what its own retries may fix; after it gave up (NumberOfRetriesExceeded is marked
  // non-retriable) the innermost error still tells whether a later attempt can succeed.
  const innermost = all.at(-1);
  const retriable = innermost?.retriable === true;
  return new KafkaError('KAFKA_ERROR', `Kafka error while ${action}: ${detail}`, retriable,
    retriable ? 'Usually transient; check broker health if it persists.' : 'See the error message; check the Kafka broker logs.', err);
}
