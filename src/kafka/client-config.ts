/**
 * Kafka client settings (`bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*`) → our typed KafkaConnection.
 *
 * Every value that cannot be honoured the way Kafka's Java client honours it is refused with a ConfigError that
 * names the key as the user wrote it (`producer.override.sasl.jaas.config`) — never skipped. The bug this guards
 * against is a worker that quietly connects in plaintext, or without the trust store it was given. Files named by
 * the settings are read here, at parse time, so a missing one fails at startup. Error messages never contain a
 * secret value (passwords, keys, JAAS text, client secrets). What is refused and why: docs/kafka-security.md.
 */
import { readFileSync } from 'node:fs';
import { Settings, type KafkaConnectionOptions } from './client-settings.js';
import { parseSasl } from './sasl-config.js';
import { parseTls } from './tls-config.js';
import type { KafkaConnection, SecurityProtocol } from './types.js';

export type { KafkaConnectionOptions } from './client-settings.js';
export { parseJaasConfig, type JaasConfig } from './jaas.js';

// ---------------------------------------------------------------------------------------------------------------
// Key names

/** `ssl.*`/`sasl.*` keys of Kafka's clients (4.1) that this module reads, checks, or knowingly leaves alone. */
const SSL_KEYS = [
  'ssl.protocol', 'ssl.enabled.protocols', 'ssl.endpoint.identification.algorithm',
  'ssl.truststore.type', 'ssl.truststore.location', 'ssl.truststore.password', 'ssl.truststore.certificates',
  'ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.keystore.key',
  'ssl.keystore.certificate.chain', 'ssl.key.password',
  // JVM machinery with no Node.js equivalent: accepted only when empty or at Kafka's default.
  'ssl.cipher.suites', 'ssl.provider', 'ssl.engine.factory.class', 'ssl.secure.random.implementation',
  'ssl.keymanager.algorithm', 'ssl.trustmanager.algorithm',
  // The server side of TLS (a Connect worker's https REST listener): clients ignore it, as Kafka's do.
  'ssl.client.auth',
];
const SASL_KEYS = [
  'sasl.mechanism', 'sasl.jaas.config', 'sasl.login.callback.handler.class', 'sasl.client.callback.handler.class',
  'sasl.login.class', 'sasl.login.connect.timeout.ms', 'sasl.login.read.timeout.ms',
  'sasl.oauthbearer.token.endpoint.url', 'sasl.oauthbearer.client.credentials.client.id',
  'sasl.oauthbearer.client.credentials.client.secret', 'sasl.oauthbearer.scope', 'sasl.oauthbearer.header.urlencode',
  'sasl.oauthbearer.jwt.retriever.class', 'sasl.oauthbearer.jwt.validator.class',
  // Client assertions (private_key_jwt / jwt-bearer): the ones supplying an assertion or key are refused below;
  // the rest only tune an assertion and mean nothing without one.
  'sasl.oauthbearer.assertion.file', 'sasl.oauthbearer.assertion.private.key.file',
  'sasl.oauthbearer.assertion.template.file', 'sasl.oauthbearer.assertion.private.key.passphrase',
  'sasl.oauthbearer.assertion.algorithm', 'sasl.oauthbearer.assertion.claim.aud', 'sasl.oauthbearer.assertion.claim.iss',
  'sasl.oauthbearer.assertion.claim.sub', 'sasl.oauthbearer.assertion.claim.exp.seconds',
  'sasl.oauthbearer.assertion.claim.nbf.seconds', 'sasl.oauthbearer.assertion.claim.jti.include',
  // Token refresh and retry tuning: tokens are refreshed at 80 % of their lifetime (Kafka's default window).
  'sasl.login.refresh.window.factor', 'sasl.login.refresh.window.jitter', 'sasl.login.refresh.min.period.seconds',
  'sasl.login.refresh.buffer.seconds', 'sasl.login.retry.backoff.ms', 'sasl.login.retry.backoff.max.ms',
  // Kerberos only; Kafka ignores them under the other mechanisms (GSSAPI itself is refused).
  'sasl.kerberos.service.name', 'sasl.kerberos.kinit.cmd', 'sasl.kerberos.ticket.renew.window.factor',
  'sasl.kerberos.ticket.renew.jitter', 'sasl.kerberos.min.time.before.relogin',
  // JWT checks made by brokers (and the Java client's own light check of its token): nothing for a client here.
  'sasl.oauthbearer.scope.claim.name', 'sasl.oauthbearer.sub.claim.name', 'sasl.oauthbearer.clock.skew.seconds',
  'sasl.oauthbearer.expected.audience', 'sasl.oauthbearer.expected.issuer', 'sasl.oauthbearer.jwks.endpoint.url',
  'sasl.oauthbearer.jwks.endpoint.refresh.ms', 'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms',
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms',
];

/** The security keys understood here (besides `bootstrap.servers`); any other `ssl.*`/`sasl.*` key is refused. */
export const SECURITY_KEYS: ReadonlySet<string> = new Set(['security.protocol', ...SSL_KEYS, ...SASL_KEYS]);

/** `ssl.*`/`sasl.*` keys of `props` that are not Kafka client settings we know (typos, broker-only keys). */
export function unknownSecurityKeys(props: Readonly<Record<string, string>>): string[] {
  return Object.keys(props).filter((k) => (k.startsWith('ssl.') || k.startsWith('sasl.')) && !SECURITY_KEYS.has(k));
}

// ---------------------------------------------------------------------------------------------------------------
// Which settings a client gets, and where each came from

export type ClientRole = 'producer' | 'consumer' | 'admin';

/** A client's merged settings under Kafka's own key names, and for each the key as the user wrote it. */
export interface ClientProps {
  readonly props: Readonly<Record<string, string>>;
  /** `sasl.jaas.config` → `producer.override.sasl.jaas.config`, `ssl.truststore.location` → itself, ... */
  readonly origins: Readonly<Record<string, string>>;
}

const ROLE_PREFIXES = ['producer.', 'consumer.', 'admin.'];

/**
 * The settings of one kind of client: the worker's top-level keys, overlaid with its `<role>.` keys (prefix
 * stripped). Unlike Connect — whose task producers and consumers see only `producer.*`/`consumer.*` — the
 * worker's own security settings apply to every client here, so they need not be written three times; a
 * prefixed key still wins for its kind of client. Keys of the other roles are left out.
 */
export function clientProps(workerProps: Readonly<Record<string, string>>, role: ClientRole): ClientProps {
  const props: Record<string, string> = {};
  const origins: Record<string, string> = {};
  for (const [key, value] of Object.entries(workerProps)) {
    if (ROLE_PREFIXES.some((p) => key.startsWith(p))) continue;
    props[key] = value;
    origins[key] = key;
  }
  return withClientOverrides({ props, origins }, workerProps, `${role}.`);
}

/**
 * `base` overlaid with the `prefix` keys of `config` (prefix stripped): a connector's `producer.override.*` on top
 * of the worker's producer settings, as Connect's client config override policy "All" does.
 */
export function withClientOverrides(base: ClientProps, config: Readonly<Record<string, string>>, prefix = 'producer.override.'): ClientProps {
  const props = { ...base.props };
  const origins = { ...base.origins };
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(prefix) || key.length === prefix.length) continue;
    props[key.slice(prefix.length)] = value;
    origins[key.slice(prefix.length)] = key;
  }
  return { props, origins };
}

// ---------------------------------------------------------------------------------------------------------------
// KafkaConnection


const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** The connection described by a client's settings (from `clientProps`). */
export function clientConnection(client: ClientProps, options: Omit<KafkaConnectionOptions, 'origins' | 'keyPrefix'> = {}): KafkaConnection {
  return kafkaConnection(client.props, { ...options, origins: client.origins });
}

/** Reads `bootstrap.servers`, `security.protocol`, `ssl.*` and `sasl.*` from merged, unprefixed client settings. */
export function kafkaConnection(props: Readonly<Record<string, string>>, options: KafkaConnectionOptions = {}): KafkaConnection {
  const s = new Settings(props, options);
  const unknown = unknownSecurityKeys(props)[0];
  if (unknown !== undefined) {
    throw s.error(unknown, 'is not a Kafka client setting known here.',
      'Check its spelling against Kafka\'s client configuration (docs/kafka-security.md lists the keys understood), or remove it.');
  }
  const brokers = parseBrokers(s, options.brokersKey ?? 'bootstrap.servers');
  const protocol = parseProtocol(s);
  refuseUnusedSecurity(s, protocol);
  const connection: KafkaConnection = { brokers, protocol };
  if (protocol === 'SSL' || protocol === 'SASL_SSL') connection.tls = parseTls(s, options.readFile ?? ((path) => readFileSync(path)));
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') connection.sasl = parseSasl(s);
  return connection;
}

function parseBrokers(s: Settings, key: string): string[] {
  const value = s.get(key);
  if (value === undefined) throw s.error(key, 'is required.', `Set ${s.name(key)} to the Kafka brokers, host:port[,host:port...].`);
  return value.split(',').map((b) => b.trim()).filter((b) => b !== '').map((broker) => {
    // Kafka accepts a listener-name prefix (SASL_SSL://host:9093) and ignores it.
    const m = /^(?:[a-z][a-z0-9+._-]*:\/\/)?((?:\[[0-9a-f:.]+\]|[^\s:/[\]]+):(\d{1,5}))$/i.exec(broker);
    if (!m || Number(m[2]) > 65535) throw s.error(key, `has "${broker}", which is not host:port.`, 'Write each broker as host:port, separated by commas.');
    return m[1]!;
  });
}

function parseProtocol(s: Settings): SecurityProtocol {
  const value = s.get('security.protocol');
  if (value === undefined) return 'PLAINTEXT';
  const protocol = PROTOCOLS.find((p) => p === value.toUpperCase());
  if (protocol === undefined) {
    throw s.error('security.protocol', `is "${value}", which is not a security protocol.`, `Use one of ${PROTOCOLS.join(', ')}.`);
  }
  return protocol;
}

/** Settings that ask for SASL or for specific TLS stores; set under a protocol that does not use them. */
const SASL_INTENT = new Set([
  'sasl.mechanism', 'sasl.jaas.config', 'sasl.oauthbearer.token.endpoint.url',
  'sasl.oauthbearer.client.credentials.client.id', 'sasl.oauthbearer.client.credentials.client.secret',
]);
const STORE_INTENT = /^ssl\.(?:truststore\.|keystore\.|key\.password$)/;

/**
 * Kafka ignores `sasl.*` under PLAINTEXT/SSL and the TLS stores under (SASL_)PLAINTEXT. Ignoring them here would
 * turn "forgot security.protocol" into a silent plaintext connection, so they are refused — unless
 * security.protocol was set more specifically than they were (producer.security.protocol=PLAINTEXT under a
 * worker-wide SASL_SSL), which switches the inherited settings off on purpose.
 */
function refuseUnusedSecurity(s: Settings, protocol: SecurityProtocol): void {
  const sasl = protocol.startsWith('SASL_');
  const tls = protocol.endsWith('SSL');
  for (const key of s.keys()) {
    const unused = (!sasl && SASL_INTENT.has(key)) || (!tls && STORE_INTENT.test(key));
    if (!unused || s.get(key) === undefined) continue;
    if (s.isSet('security.protocol') && s.specificity('security.protocol') > s.specificity(key)) continue;
    const store = STORE_INTENT.test(key);
    const protocolKey = s.name('security.protocol', key);
    const current = s.isSet('security.protocol') ? `is ${protocol}` : 'is not set (PLAINTEXT)';
    const wanted = store ? (sasl ? 'SASL_SSL' : 'SSL (or SASL_SSL)') : tls ? 'SASL_SSL' : 'SASL_SSL (or SASL_PLAINTEXT)';
    throw s.error(key, `is set, but ${protocolKey} ${current}, so it would not be used: the connection would go without ${store ? 'TLS' : 'SASL authentication'}.`,
      `Set ${protocolKey}=${wanted} to use it, or remove ${s.name(key)}.`);
  }
}
