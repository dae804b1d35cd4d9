import { CdcError, type ErrorCode } from '../errors/index.js';
import type { KafkaConnection } from './types.js';

/** A Kafka client error, translated at the adapter's edge. */
export class KafkaError extends CdcError {
  constructor(code: ErrorCode, message: string, retriable: boolean, fix: string, cause?: unknown) {
    super(code, message, { retriable, fix, cause });
  }
}

const FIX_UNREACHABLE = 'Check bootstrap.servers and that Kafka is running and reachable from this worker.';
const FIX_AUTH = 'Check sasl.mechanism and the user name and password (or OAuth client) in sasl.jaas.config for this Kafka listener.';

/** Broker error types (Kafka protocol names) that mean "try again": leadership moves, broker restarts. */
const TRANSIENT_TYPES = new Set([
  'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'NETWORK_EXCEPTION', 'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'KAFKA_STORAGE_ERROR', 'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH', 'NOT_CONTROLLER', 'REBALANCE_IN_PROGRESS', 'THROTTLING_QUOTA_EXCEEDED',
  'CONCURRENT_TRANSACTIONS', 'UNKNOWN_SERVER_ERROR', 'BROKER_NOT_AVAILABLE', 'REPLICA_NOT_AVAILABLE',
  'OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'TRANSACTION_ABORTABLE',
]);

const FIX_FENCED = 'Nothing to do if the task was restarted or moved: its newer instance carries on. If it repeats, make sure only one worker cluster uses this group.id with these connector names.';

/** Broker error types that no retry fixes, with what the user should do. */
const PERMANENT: Record<string, { code: ErrorCode; fix: string }> = {
  MESSAGE_TOO_LARGE: { code: 'KAFKA_RECORD_TOO_LARGE', fix: 'Raise max.message.bytes on the topic (and message.max.bytes on the broker), or make records smaller (e.g. exclude large columns).' },
  RECORD_LIST_TOO_LARGE: { code: 'KAFKA_RECORD_TOO_LARGE', fix: 'Raise max.message.bytes on the topic (and message.max.bytes on the broker), or make records smaller.' },
  INVALID_RECORD: { code: 'KAFKA_INVALID_RECORD', fix: 'Check the topic configuration (e.g. compacted topics need keys on every record).' },
  TOPIC_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal access to the topic (ACLs).' },
  GROUP_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal access to consumer groups (ACLs).' },
  CLUSTER_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal the cluster permissions it needs (IdempotentWrite, CreateTopics).' },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 'KAFKA_NOT_AUTHORIZED', fix: 'Grant this worker\'s principal access to its transactional id.' },
  PRODUCER_FENCED: { code: 'KAFKA_PRODUCER_FENCED', fix: FIX_FENCED },
  INVALID_PRODUCER_EPOCH: { code: 'KAFKA_PRODUCER_FENCED', fix: FIX_FENCED },
  SASL_AUTHENTICATION_FAILED: { code: 'KAFKA_AUTH_FAILED', fix: FIX_AUTH },
  UNSUPPORTED_SASL_MECHANISM: { code: 'KAFKA_AUTH_FAILED', fix: 'Set sasl.mechanism to one this Kafka listener enables (sasl.enabled.mechanisms on the broker).' },
  ILLEGAL_SASL_STATE: { code: 'KAFKA_AUTH_FAILED', fix: 'Check security.protocol: this listener may not expect SASL (or expects it and got none).' },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 'KAFKA_TOPIC_MISSING', fix: 'Create the topic, enable topic creation (topic.creation.default.* settings), or set auto.create.topics.enable=true on the broker.' },
  INVALID_TOPIC_EXCEPTION: { code: 'KAFKA_INVALID_TOPIC', fix: 'Use a valid topic name: letters, digits, ".", "_" and "-", at most 249 characters.' },
  INVALID_REPLICATION_FACTOR: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'Use a replication factor no larger than the number of brokers, or -1 for the broker default.' },
  INVALID_PARTITIONS: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'Use a partition count of at least 1, or -1 for the broker default.' },
  INVALID_CONFIG: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'Check the topic configs passed for creation (topic.creation.* settings).' },
  POLICY_VIOLATION: { code: 'KAFKA_TOPIC_CREATE_FAILED', fix: 'The broker\'s create-topic policy rejected the topic; create it yourself or adjust the settings.' },
  UNSUPPORTED_VERSION: { code: 'KAFKA_UNSUPPORTED', fix: 'Use Kafka 2.8 or newer.' },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 'KAFKA_UNSUPPORTED', fix: 'The broker does not accept this compression.type; use none, gzip, snappy or lz4 (zstd needs Kafka 2.1+).' },
};

/** Node's TLS verification failures (error codes of `tls.connect`): the certificate is not the one we trust. */
const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

interface ErrorLike {
  name?: string; message?: string; code?: string; retriable?: boolean; canRetry?: boolean; cause?: unknown;
  errors?: unknown[]; apiId?: string; type?: string; serverErrorMessage?: string | null;
}

/** The error itself and everything it wraps (cause chains, aggregate `errors`), outermost first. */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const pending: unknown[] = [err];
  while (pending.length > 0 && out.length < 40) {
    const e = pending.shift();
    if (e === null || typeof e !== 'object' || out.includes(e as ErrorLike)) continue;
    const el = e as ErrorLike;
    out.push(el);
    if (el.cause !== undefined) pending.push(el.cause);
    if (Array.isArray(el.errors)) pending.push(...el.errors);
  }
  return out;
}

/** The broker's protocol error name of this error, e.g. `TOPIC_ALREADY_EXISTS`. */
function protocolType(e: ErrorLike): string | undefined {
  return e.apiId ?? e.type;
}

/** Whether the error or anything it wraps is a broker error of this protocol type, e.g. `TOPIC_ALREADY_EXISTS`. */
export function hasKafkaErrorType(err: unknown, type: string): boolean {
  return chain(err).some((e) => protocolType(e) === type);
}

/** The most specific message in the chain: the innermost one that says something. */
function innermostMessage(all: ErrorLike[], err: unknown): string {
  const messages = all.map((e) => (e.serverErrorMessage ? `${e.message} (${e.serverErrorMessage})` : e.message)).filter((m): m is string => Boolean(m));
  return messages.at(-1) ?? String(err);
}

/**
 * Turns a client (or socket/TLS) error into a `KafkaError` with a code, retriability and a fix. `action` says
 * what we were doing, e.g. `producing to Kafka`; `connection`, how we connected, sharpens the fix. Already
 * translated errors pass through unchanged.
 */
export function translateKafkaError(err: unknown, action: string, connection?: KafkaConnection): CdcError {
  if (err instanceof CdcError) return err;
  const translated = translate(err, action);
  // A TLS listener that requires a client certificate closes the connection after the handshake (TLS 1.3),
  // which looks like any dropped connection; the client only knows it presented none.
  const tls = connection?.tls;
  if (translated.code === 'KAFKA_UNAVAILABLE' && tls && !tls.cert && !tls.pfx && /Connection closed/i.test(translated.message)) {
    return new KafkaError(translated.code, translated.message, true,
      `${FIX_UNREACHABLE} If this TLS listener requires a client certificate (ssl.client.auth=required on the broker), set ssl.keystore.* to one signed by a CA the broker trusts.`, err);
  }
  return translated;
}

function translate(err: unknown, action: string): CdcError {
  const all = chain(err);
  const detail = innermostMessage(all, err);
  for (const e of all) {
    const type = protocolType(e);
    const permanent = type ? PERMANENT[type] : undefined;
    if (permanent) {
      return new KafkaError(permanent.code, `Kafka rejected ${action}: ${type}: ${e.serverErrorMessage ?? e.message ?? ''}`, false, permanent.fix, err);
    }
  }
  for (const e of all) {
    if (e.code === 'PLT_KFK_AUTHENTICATION') {
      return new KafkaError('KAFKA_AUTH_FAILED', `Kafka authentication failed while ${action}: ${detail}`, false, FIX_AUTH, err);
    }
    if (e.code && TLS_CERT_CODES.has(e.code)) {
      return new KafkaError('KAFKA_TLS_FAILED', `TLS to Kafka failed while ${action}: the broker's certificate is not trusted (${e.code}: ${e.message ?? ''})`, false,
        e.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || e.code === 'HOSTNAME_MISMATCH'
          ? 'Use a broker address the certificate names, or set ssl.endpoint.identification.algorithm= (empty) to skip the host name check.'
          : 'Set ssl.truststore.type=PEM and ssl.truststore.location (or ssl.truststore.certificates) to the CA that signed the broker\'s certificate.', err);
    }
    if (e.message === 'Broker requires TLS.' || /TLS handshake failed|wrong version number|packet length too long|ssl3_get_record/i.test(e.message ?? '')) {
      return new KafkaError('KAFKA_TLS_FAILED', `TLS to Kafka failed while ${action}: ${e.message}`, false,
        'security.protocol does not match the listener: use SSL or SASL_SSL for a TLS listener, PLAINTEXT or SASL_PLAINTEXT for a plain one.', err);
    }
  }
  for (const e of all) {
    const type = protocolType(e);
    if (type && TRANSIENT_TYPES.has(type)) {
      return new KafkaError('KAFKA_TRANSIENT', `Transient Kafka error while ${action}: ${type}`, true, 'Usually resolves by itself (leader election, broker restart); check broker health if it persists.', err);
    }
    const socketCode = typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code);
    if (socketCode || e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') {
      return new KafkaError('KAFKA_UNAVAILABLE', `Kafka is unreachable while ${action}: ${detail}`, true, FIX_UNREACHABLE, err);
    }
  }
  // The client marks what its own retries may fix; after it gave up, the innermost error still tells
  // whether a later attempt can succeed.
  const retriable = all.some((e) => e.canRetry === true || e.retriable === true) && !all.some((e) => e.canRetry === false && protocolType(e) !== undefined);
  return new KafkaError('KAFKA_ERROR', `Kafka error while ${action}: ${detail}`, retriable,
    retriable ? 'Usually transient; check broker health if it persists.' : 'See the error message; check the Kafka broker logs.', err);
}
