/**
 * Kafka client settings (`bootstrap.servers`, `security.protocol`, `ssl.*`, `sasl.*`) → our typed KafkaConnection.
 *
 * Every value that cannot be honoured the way Kafka's Java client honours it is refused with a ConfigError that
 * names the key as the user wrote it (`producer.override.sasl.jaas.config`) — never skipped. The bug this guards
 * against is a worker that quietly connects in plaintext, or without the trust store it was given. Files named by
 * the settings are read here, at parse time, so a missing one fails at startup. Error messages never contain a
 * secret value (passwords, keys, JAAS text, client secrets). What is refused and why: docs/kafka-security.md.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '../errors/index.js';
import type { KafkaConnection, KafkaOAuth, KafkaSasl, KafkaTls, SecurityProtocol } from './types.js';

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

export interface KafkaConnectionOptions {
  /** The key holding the brokers. Default `bootstrap.servers`. */
  brokersKey?: string;
  /** How keys are named in errors when `origins` does not say: e.g. `producer.`. Default none. */
  keyPrefix?: string;
  /** Per key, the name the user wrote (from `clientProps`/`withClientOverrides`). */
  origins?: Readonly<Record<string, string>>;
  /** Reads the files named by `ssl.*.location` (tests). Default: fs.readFileSync. */
  readFile?: (path: string) => Buffer;
}

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

/** Values trimmed as Kafka's ConfigDef trims them; errors name keys as the user wrote them. */
class Settings {
  constructor(private readonly props: Readonly<Record<string, string>>, private readonly options: KafkaConnectionOptions) {}

  keys(): string[] {
    return Object.keys(this.props);
  }

  /** The trimmed value, or undefined when unset or blank. */
  get(key: string): string | undefined {
    const value = this.props[key]?.trim();
    return value ? value : undefined;
  }

  isSet(key: string): boolean {
    return this.props[key] !== undefined;
  }

  /** The key as written. For an unset key (named in a fix), the prefix of the related key `like`. */
  name(key: string, like?: string): string {
    const origin = this.options.origins?.[key];
    if (origin !== undefined && this.isSet(key)) return origin;
    if (like !== undefined && this.isSet(like)) return this.prefixOf(like) + key;
    // A missing setting belongs where security.protocol asked for it (signal.consumer.sasl.mechanism).
    if (this.isSet('security.protocol')) return this.prefixOf('security.protocol') + key;
    return (this.options.keyPrefix ?? '') + key;
  }

  /** How specific the place a key was set is: '' < 'producer.' < 'producer.override.'. */
  specificity(key: string): number {
    return this.prefixOf(key).length;
  }

  private prefixOf(key: string): string {
    const name = this.options.origins?.[key] ?? (this.options.keyPrefix ?? '') + key;
    return name.slice(0, name.length - key.length);
  }

  error(key: string, problem: string, fix: string, like?: string): ConfigError {
    const name = this.name(key, like);
    return new ConfigError(`Configuration ${name} ${problem}`, name, { fix });
  }
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

// ---------------------------------------------------------------------------------------------------------------
// TLS

function parseTls(s: Settings, readFile: (path: string) => Buffer): KafkaTls {
  refuseJvmOnly(s);
  const tls: KafkaTls = { verifyHostname: verifyHostname(s), ...tlsVersions(s) };
  const ca = truststore(s, readFile);
  if (ca !== undefined) tls.ca = ca;
  return { ...tls, ...keystore(s, readFile) };
}

function refuseJvmOnly(s: Settings): void {
  for (const key of ['ssl.cipher.suites', 'ssl.provider', 'ssl.engine.factory.class', 'ssl.secure.random.implementation']) {
    if (s.get(key) !== undefined) {
      throw s.error(key, 'configures Java\'s TLS implementation and has no equivalent in Node.js.',
        `Remove ${s.name(key)}; Node.js negotiates TLS 1.2/1.3 with its own secure defaults.`);
    }
  }
  const defaults: [string, string][] = [['ssl.keymanager.algorithm', 'SunX509'], ['ssl.trustmanager.algorithm', 'PKIX']];
  for (const [key, only] of defaults) {
    const value = s.get(key);
    if (value !== undefined && value.toLowerCase() !== only.toLowerCase()) {
      throw s.error(key, `is "${value}"; only Kafka's default ${only} can be honoured in Node.js.`, `Remove ${s.name(key)}.`);
    }
  }
}

function verifyHostname(s: Settings): boolean {
  const key = 'ssl.endpoint.identification.algorithm';
  if (!s.isSet(key)) return true; // Kafka's default: https
  const value = s.get(key);
  if (value === undefined) return false; // empty: host name verification off, as in Kafka
  if (value.toLowerCase() === 'https') return true;
  throw s.error(key, `is "${value}"; only https (check the broker's host name) or empty (do not) exist.`, `Set ${s.name(key)}=https, or leave it empty.`);
}

type TlsVersion = 'TLSv1.2' | 'TLSv1.3';
const OLD_TLS = /^(?:SSL|SSLv2|SSLv3|SSLv2Hello|TLSv1|TLSv1\.0|TLSv1\.1)$/i;

/** `ssl.enabled.protocols` chooses the versions; `ssl.protocol=TLSv1.2` caps them at 1.2 (Kafka's docs say so). */
function tlsVersions(s: Settings): Pick<KafkaTls, 'minVersion' | 'maxVersion'> {
  let versions: TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];
  const listed = s.get('ssl.enabled.protocols');
  if (listed !== undefined) {
    versions = listed.split(',').map((v) => v.trim()).filter((v) => v !== '').map((v) => tlsVersion(s, 'ssl.enabled.protocols', v));
  }
  const protocol = s.get('ssl.protocol');
  if (protocol !== undefined && protocol.toUpperCase() !== 'TLS' && tlsVersion(s, 'ssl.protocol', protocol) === 'TLSv1.2') {
    versions = versions.filter((v) => v === 'TLSv1.2');
    if (versions.length === 0) {
      throw s.error('ssl.protocol', `is TLSv1.2, but ${s.name('ssl.enabled.protocols')} allows only TLSv1.3: no version is left.`,
        `Add TLSv1.2 to ${s.name('ssl.enabled.protocols')}, or set ${s.name('ssl.protocol')}=TLSv1.3.`);
    }
  }
  return {
    ...(versions.includes('TLSv1.2') ? {} : { minVersion: 'TLSv1.3' as const }),
    ...(versions.includes('TLSv1.3') ? {} : { maxVersion: 'TLSv1.2' as const }),
  };
}

function tlsVersion(s: Settings, key: string, value: string): TlsVersion {
  if (value.toUpperCase() === 'TLSV1.2') return 'TLSv1.2';
  if (value.toUpperCase() === 'TLSV1.3') return 'TLSv1.3';
  if (OLD_TLS.test(value)) throw s.error(key, `has ${value}, an obsolete, insecure protocol version.`, 'Use TLSv1.2 and/or TLSv1.3.');
  throw s.error(key, `has "${value}", which is not a TLS protocol version.`, 'Use TLSv1.2 and/or TLSv1.3.');
}

function storeType(s: Settings, key: string): string {
  return (s.get(key) ?? 'JKS').toUpperCase(); // JKS: Kafka's default for both stores
}

/** The trusted CAs (PEM), or undefined for Node's built-in roots. */
function truststore(s: Settings, readFile: (path: string) => Buffer): string | undefined {
  const type = storeType(s, 'ssl.truststore.type');
  const inline = s.get('ssl.truststore.certificates');
  const location = s.get('ssl.truststore.location');
  if (inline !== undefined) {
    if (type !== 'PEM') {
      throw s.error('ssl.truststore.type', `is ${type}, but ssl.truststore.certificates holds PEM certificates.`,
        `Set ${s.name('ssl.truststore.type', 'ssl.truststore.certificates')}=PEM.`, 'ssl.truststore.certificates');
    }
    if (location !== undefined) {
      throw s.error('ssl.truststore.location', 'is set together with ssl.truststore.certificates.', 'Give the CA certificates inline or in a file, not both.');
    }
    refusePemPassword(s, 'ssl.truststore.password');
    return certificates(s, 'ssl.truststore.certificates', inline, 'holds');
  }
  if (location === undefined) {
    if (s.get('ssl.truststore.password') !== undefined) {
      throw s.error('ssl.truststore.password', 'is set, but no trust store is (ssl.truststore.location).', 'Set the trust store location, or remove the password.');
    }
    return undefined;
  }
  const typeName = s.name('ssl.truststore.type', 'ssl.truststore.location');
  if (type === 'PEM') {
    refusePemPassword(s, 'ssl.truststore.password');
    return certificates(s, 'ssl.truststore.location', readText(s, 'ssl.truststore.location', readFile), `names the file ${location}, which holds`);
  }
  const toPem = type === 'PKCS12'
    ? `openssl pkcs12 -in ${location} -nokeys -out ca.pem`
    : `keytool -exportcert -rfc -keystore ${location} -alias <ca alias> -file ca.pem`;
  if (type === 'JKS' || type === 'PKCS12') {
    const why = type === 'JKS'
      ? `names ${location}, which is read as a JKS trust store (${typeName}${s.isSet('ssl.truststore.type') ? '' : ' defaults to JKS, as in Kafka'}), a Java format Node.js cannot read.`
      : `names ${location}, a PKCS#12 trust store; Node.js cannot take certificates alone from PKCS#12 as trusted CAs.`;
    throw s.error('ssl.truststore.location', why,
      `Export the CA certificates as PEM (${toPem}), point ${s.name('ssl.truststore.location')} at that file and set ${typeName}=PEM (if the file already is PEM, just set ${typeName}=PEM).`);
  }
  throw s.error('ssl.truststore.type', `is "${type}", which is not a trust store type.`, 'Use PEM.');
}

type KeyMaterial = Pick<KafkaTls, 'cert' | 'key' | 'keyPassword' | 'pfx' | 'pfxPassword'>;

/** The client certificate and key (for brokers that require client authentication), if configured. */
function keystore(s: Settings, readFile: (path: string) => Buffer): KeyMaterial {
  const type = storeType(s, 'ssl.keystore.type');
  const key = s.get('ssl.keystore.key');
  const chain = s.get('ssl.keystore.certificate.chain');
  const location = s.get('ssl.keystore.location');
  const password = s.get('ssl.keystore.password');
  const keyPassword = s.get('ssl.key.password');
  const typeName = s.name('ssl.keystore.type', location === undefined ? 'ssl.keystore.key' : 'ssl.keystore.location');
  if (key !== undefined || chain !== undefined) {
    if (key === undefined) throw s.error('ssl.keystore.certificate.chain', 'is set, but ssl.keystore.key is not.', 'Give the private key in ssl.keystore.key too.');
    if (chain === undefined) throw s.error('ssl.keystore.key', 'is set, but ssl.keystore.certificate.chain is not.', 'Give the certificate chain in ssl.keystore.certificate.chain too.');
    if (type !== 'PEM') throw s.error('ssl.keystore.type', `is ${type}, but ssl.keystore.key holds a PEM key.`, `Set ${typeName}=PEM.`, 'ssl.keystore.key');
    if (location !== undefined) throw s.error('ssl.keystore.location', 'is set together with ssl.keystore.key.', 'Give the key and certificates inline or in a file, not both.');
    refusePemPassword(s, 'ssl.keystore.password');
    return pemKeyPair(s, { key: 'ssl.keystore.key', chain: 'ssl.keystore.certificate.chain' }, key, chain, keyPassword);
  }
  if (location === undefined) {
    if (password !== undefined) throw s.error('ssl.keystore.password', 'is set, but no key store is (ssl.keystore.location).', 'Set the key store location, or remove the password.');
    return {};
  }
  if (type === 'PEM') {
    refusePemPassword(s, 'ssl.keystore.password');
    const text = readText(s, 'ssl.keystore.location', readFile);
    return pemKeyPair(s, { key: 'ssl.keystore.location', chain: 'ssl.keystore.location' }, text, text, keyPassword);
  }
  if (type === 'PKCS12') return pkcs12(s, location, password, keyPassword, readFile);
  if (type === 'JKS') {
    throw s.error('ssl.keystore.location', `names ${location}, which is read as a JKS key store (${typeName}${s.isSet('ssl.keystore.type') ? '' : ' defaults to JKS, as in Kafka'}), a Java format Node.js cannot read.`,
      `Convert it (keytool -importkeystore -srckeystore ${location} -destkeystore keystore.p12 -deststoretype PKCS12) and set ${typeName}=PKCS12, or use PEM.`);
  }
  throw s.error('ssl.keystore.type', `is "${type}", which is not a key store type.`, 'Use PKCS12 or PEM.');
}

function pkcs12(s: Settings, location: string, password: string | undefined, keyPassword: string | undefined, readFile: (path: string) => Buffer): KeyMaterial {
  if (password === undefined) throw s.error('ssl.keystore.password', 'is required to open the PKCS12 key store.', `Set ${s.name('ssl.keystore.password', 'ssl.keystore.location')}.`, 'ssl.keystore.location');
  if (keyPassword !== undefined && keyPassword !== password) {
    throw s.error('ssl.key.password', 'differs from ssl.keystore.password; Node.js opens a PKCS12 key store with one password.',
      `Re-export the key store with the key under the store password (openssl pkcs12), or remove ${s.name('ssl.key.password')} if it is not needed.`);
  }
  const pfx = readBytes(s, 'ssl.keystore.location', readFile);
  try {
    createSecureContext({ pfx, passphrase: password });
  } catch (err) {
    const wrongPassword = /mac verify failure|bad decrypt/i.test((err as Error).message);
    throw s.error(wrongPassword ? 'ssl.keystore.password' : 'ssl.keystore.location',
      wrongPassword ? `does not open the PKCS12 key store ${location}.` : `(${location}) cannot be loaded as a PKCS12 key store with a private key: ${(err as Error).message}.`,
      wrongPassword ? 'Give the key store\'s password.' : 'Check the file; a key store made with old legacy encryption can be re-exported with a current openssl pkcs12 -export.');
  }
  return { pfx, pfxPassword: password };
}

function refusePemPassword(s: Settings, key: string): void {
  if (s.get(key) !== undefined) {
    throw s.error(key, 'cannot be used with PEM stores (Kafka refuses it too): PEM files have no store password.',
      `Remove ${s.name(key)}; an encrypted PEM private key takes its password from ssl.key.password.`);
  }
}

function readBytes(s: Settings, key: string, readFile: (path: string) => Buffer): Buffer {
  const path = s.get(key)!;
  try {
    return readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`;
    throw s.error(key, `names the file ${path}, which ${why}.`, `Check the path of ${s.name(key)} and that the worker can read the file.`);
  }
}

function readText(s: Settings, key: string, readFile: (path: string) => Buffer): string {
  return readBytes(s, key, readFile).toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// PEM

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The PEM blocks of `text`, in canonical layout. Inline values from a .properties file lose their line breaks
 * (continuation lines are joined), which Kafka accepts and OpenSSL does not, so the base64 is re-wrapped.
 */
function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => {
    const label = m[1]!;
    // Legacy encrypted keys carry "Proc-Type:"/"DEK-Info:" headers whose line breaks matter: keep those as written.
    if (m[2]!.includes(':')) return { label, pem: `${m[0]}\n` };
    const base64 = m[2]!.replace(/\s+/g, '');
    return { label, pem: `-----BEGIN ${label}-----\n${base64.replace(/.{64}(?!$)/g, '$&\n')}\n-----END ${label}-----\n` };
  });
}

/** The X.509 certificates of `text`, checked, as one PEM string. `holder` begins the error: "holds", "names the file x, which holds". */
function certificates(s: Settings, key: string, text: string, holder: string): string {
  const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  const fix = 'Give X.509 certificates in PEM format (-----BEGIN CERTIFICATE-----).';
  if (blocks.length === 0) throw s.error(key, `${holder} no PEM certificate.`, fix);
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b.pem);
    } catch {
      throw s.error(key, `${holder} a certificate (number ${i + 1}) that cannot be read.`, fix);
    }
  });
  return blocks.map((b) => b.pem).join('');
}

function pemKeyPair(s: Settings, keys: { key: string; chain: string }, keyText: string, chainText: string, password: string | undefined): KeyMaterial {
  const inFile = keys.key === 'ssl.keystore.location';
  const holder = inFile ? `names the file ${s.get(keys.key)}, which holds` : 'holds';
  const keyBlocks = pemBlocks(keyText).filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (keyBlocks.length !== 1) {
    throw s.error(keys.key, `${holder} ${keyBlocks.length === 0 ? 'no' : 'more than one'} PEM private key.`, 'Give exactly one private key in PEM format (-----BEGIN PRIVATE KEY-----).');
  }
  const keyPem = keyBlocks[0]!.pem;
  const encrypted = keyPem.includes('ENCRYPTED');
  if (encrypted && password === undefined) {
    throw s.error('ssl.key.password', `is not set, but the private key of ${s.name(keys.key)} is encrypted.`, `Set ${s.name('ssl.key.password', keys.key)} to the key's password.`, keys.key);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: keyPem, format: 'pem', ...(password === undefined ? {} : { passphrase: password }) });
  } catch (err) {
    if (encrypted) throw s.error('ssl.key.password', `does not decrypt the private key of ${s.name(keys.key)}.`, 'Give the password the key was encrypted with.');
    throw s.error(keys.key, `${holder} a private key that cannot be read (${(err as NodeJS.ErrnoException).code ?? 'invalid'}).`,
      'Give an RSA or EC private key in PEM format (PKCS#8 as Kafka expects; PKCS#1 and SEC1 work too).');
  }
  const chain = certificates(s, keys.chain, chainText, inFile ? holder : 'holds');
  if (!new X509Certificate(chain).checkPrivateKey(privateKey)) {
    throw s.error(keys.chain, `${inFile ? holder : 'holds'} certificates, but the first is not the private key's certificate.`,
      'Put the client certificate (the one issued for this key) first, then its CA chain.');
  }
  return { cert: chain, key: keyPem, ...(password === undefined ? {} : { keyPassword: password }) };
}

// ---------------------------------------------------------------------------------------------------------------
// SASL

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const OAUTH_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const KERBEROS_MODULE = 'com.sun.security.auth.module.Krb5LoginModule';
/** Kafka's OIDC login callback handler: its 3.1–3.3 package, and the public one since 3.4. */
const OIDC_HANDLERS = [
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
];
const OAUTH = 'org.apache.kafka.common.security.oauthbearer.';
const RETRIEVERS = [`${OAUTH}DefaultJwtRetriever`, `${OAUTH}ClientCredentialsJwtRetriever`];
const VALIDATORS = [`${OAUTH}DefaultJwtValidator`, `${OAUTH}ClientJwtValidator`];
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
type Mechanism = (typeof MECHANISMS)[number];

function parseSasl(s: Settings): KafkaSasl {
  for (const key of ['sasl.client.callback.handler.class', 'sasl.login.class']) {
    const value = s.get(key);
    if (value !== undefined) throw s.error(key, `names the Java class ${value}, which cannot be loaded here.`, `Remove ${s.name(key)}; PLAIN, SCRAM and OAUTHBEARER (OIDC) are built in.`);
  }
  const raw = s.get('sasl.mechanism');
  const hint = `Set ${s.name('sasl.mechanism', 'sasl.jaas.config')} to PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER, matching the login module in sasl.jaas.config.`;
  if (raw === undefined) {
    throw s.error('sasl.mechanism', `is not set, so Kafka would use GSSAPI (Kerberos), which is not supported.`, hint, 'sasl.jaas.config');
  }
  const mechanism = MECHANISMS.find((m) => m === raw.toUpperCase());
  if (raw.toUpperCase() === 'GSSAPI') throw s.error('sasl.mechanism', 'is GSSAPI (Kerberos), which is not supported.', hint);
  if (mechanism === undefined) throw s.error('sasl.mechanism', `is "${raw}", which is not supported.`, hint);

  const handler = s.get('sasl.login.callback.handler.class');
  if (handler !== undefined && !(mechanism === 'OAUTHBEARER' && OIDC_HANDLERS.includes(handler))) {
    throw s.error('sasl.login.callback.handler.class', `names ${handler}, which cannot be loaded here.`,
      mechanism === 'OAUTHBEARER' ? `Use ${OIDC_HANDLERS[1]} (OAuth client credentials), or remove it.` : `Remove it; ${mechanism} needs no login callback handler.`);
  }

  const jaasKey = s.name('sasl.jaas.config', 'sasl.mechanism');
  const jaasText = s.get('sasl.jaas.config');
  if (jaasText === undefined) {
    throw s.error('sasl.jaas.config', `is required for SASL ${mechanism}.`, `Set ${jaasKey}, e.g. ${jaasExample(mechanism)}`, 'sasl.mechanism');
  }
  const jaas = parseJaasConfig(jaasText, jaasKey);
  if (jaas.loginModule === KERBEROS_MODULE) throw s.error('sasl.jaas.config', 'uses Krb5LoginModule (Kerberos), which is not supported.', `Use ${jaasExample(mechanism)}`);
  return mechanism === 'OAUTHBEARER' ? { mechanism, oauth: oauthSettings(s, jaas) } : { mechanism, ...credentials(s, mechanism, jaas) };
}

function jaasExample(mechanism: Mechanism): string {
  if (mechanism === 'OAUTHBEARER') return `${OAUTH_MODULE} required clientId="..." clientSecret="...";`;
  return `${mechanism === 'PLAIN' ? PLAIN_MODULE : SCRAM_MODULE} required username="..." password="...";`;
}

/** The module named in a message only when it looks like a Java class: a mangled JAAS text may put a secret first. */
function moduleName(name: string): string {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(name) ? name : 'in it';
}

function credentials(s: Settings, mechanism: Mechanism, jaas: JaasConfig): { username: string; password: string } {
  // Kafka's PLAIN and SCRAM clients read the same username/password credentials from either module.
  if (jaas.loginModule !== PLAIN_MODULE && jaas.loginModule !== SCRAM_MODULE) {
    throw s.error('sasl.jaas.config', `names the login module ${moduleName(jaas.loginModule)}, which does not provide ${mechanism} credentials.`, `Use ${jaasExample(mechanism)}`);
  }
  if (jaas.options['tokenauth']?.trim().toLowerCase() === 'true') {
    throw s.error('sasl.jaas.config', 'sets tokenauth=true (delegation tokens), which is not supported.', 'Authenticate with a SCRAM user\'s username and password instead.');
  }
  const username = jaas.options['username'];
  const password = jaas.options['password'];
  if (!username || !password) {
    throw s.error('sasl.jaas.config', `has no ${!username ? 'username' : 'password'} (or an empty one); ${mechanism} needs both.`, `Write ${jaasExample(mechanism)}`);
  }
  return { username, password };
}

function oauthSettings(s: Settings, jaas: JaasConfig): KafkaOAuth {
  const jaasKey = s.name('sasl.jaas.config');
  if (jaas.loginModule !== OAUTH_MODULE) {
    throw s.error('sasl.jaas.config', `names the login module ${moduleName(jaas.loginModule)}, but OAUTHBEARER needs ${OAUTH_MODULE}.`, `Use ${jaasExample('OAUTHBEARER')}`);
  }
  const options = Object.keys(jaas.options);
  if (options.some((o) => o.startsWith('unsecuredLogin'))) {
    // Kafka's unsigned development tokens: no broker set up for production accepts them, so we do not make them.
    throw s.error('sasl.jaas.config', 'asks for an unsecured (unsigned) OAUTHBEARER token (unsecuredLogin* options), which is not supported.',
      'Use an OAuth token endpoint (sasl.oauthbearer.token.endpoint.url with a client id and secret), or SASL PLAIN for development.');
  }
  if (options.some((o) => o.startsWith('ssl.'))) {
    throw s.error('sasl.jaas.config', 'sets TLS options for the token endpoint (ssl.*), which are not supported.',
      'Remove them; the token endpoint is verified against Node.js\'s CA certificates (add a private CA with NODE_EXTRA_CA_CERTS).');
  }
  for (const [key, allowed] of [['sasl.oauthbearer.jwt.retriever.class', RETRIEVERS], ['sasl.oauthbearer.jwt.validator.class', VALIDATORS]] as const) {
    const value = s.get(key);
    if (value !== undefined && !allowed.includes(value)) throw s.error(key, `names ${value}, which cannot be loaded here.`, `Remove it; the client-credentials grant (${allowed[1]}) is built in.`);
  }
  for (const key of ['sasl.oauthbearer.assertion.file', 'sasl.oauthbearer.assertion.private.key.file', 'sasl.oauthbearer.assertion.template.file']) {
    if (s.get(key) !== undefined) throw s.error(key, 'asks for client assertions (JWT client authentication), which are not supported.', 'Authenticate with a client id and secret.');
  }

  const urlKey = 'sasl.oauthbearer.token.endpoint.url';
  const url = s.get(urlKey);
  if (url === undefined) throw s.error(urlKey, 'is required for OAUTHBEARER.', `Set ${s.name(urlKey, 'sasl.jaas.config')} to the identity provider's token endpoint (https://...).`, 'sasl.jaas.config');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw s.error(urlKey, 'is not a URL.', 'Give the token endpoint as https://host/path.');
  }
  if (parsed.protocol === 'file:') throw s.error(urlKey, 'is a file: URL (a token read from a file), which is not supported.', 'Give the identity provider\'s token endpoint (https://...).');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw s.error(urlKey, `has the scheme ${parsed.protocol}, not http(s).`, 'Give the token endpoint as https://host/path.');

  // Kafka 4.x's own keys win over the (deprecated) JAAS options, as in Kafka.
  const fromConfigOrJaas = (key: string, option: string) => s.get(key) ?? (jaas.options[option]?.trim() || undefined);
  const clientId = fromConfigOrJaas('sasl.oauthbearer.client.credentials.client.id', 'clientId');
  const clientSecret = fromConfigOrJaas('sasl.oauthbearer.client.credentials.client.secret', 'clientSecret');
  for (const [value, key, option] of [[clientId, 'sasl.oauthbearer.client.credentials.client.id', 'clientId'], [clientSecret, 'sasl.oauthbearer.client.credentials.client.secret', 'clientSecret']] as const) {
    if (value === undefined) {
      throw s.error(key, `is not set, and neither is ${option} in ${jaasKey}; the client-credentials grant needs it.`, `Set ${s.name(key, 'sasl.jaas.config')} (or ${option}="..." in ${jaasKey}).`, 'sasl.jaas.config');
    }
  }
  const oauth: KafkaOAuth = { tokenEndpointUrl: url, clientId: clientId!, clientSecret: clientSecret! };
  const scope = fromConfigOrJaas('sasl.oauthbearer.scope', 'scope');
  if (scope !== undefined) oauth.scope = scope;
  const extensions = saslExtensions(s, jaas);
  if (extensions !== undefined) oauth.extensions = extensions;
  const timeouts = ['sasl.login.connect.timeout.ms', 'sasl.login.read.timeout.ms'].map((key) => milliseconds(s, key)).filter((ms) => ms !== undefined);
  // One budget for the whole request: the connect and read allowances together.
  if (timeouts.length > 0) oauth.timeoutMs = timeouts.reduce((a, b) => a + b, 0);
  const urlEncode = s.get('sasl.oauthbearer.header.urlencode');
  if (urlEncode !== undefined) {
    if (!/^(?:true|false)$/i.test(urlEncode)) throw s.error('sasl.oauthbearer.header.urlencode', `is "${urlEncode}", not true or false.`, 'Set it to true or false.');
    oauth.urlEncodeCredentials = urlEncode.toLowerCase() === 'true';
  }
  return oauth;
}

/** JAAS `extension_<name>=value`: SASL extensions sent with the token, checked as Kafka checks them. */
function saslExtensions(s: Settings, jaas: JaasConfig): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [option, value] of Object.entries(jaas.options)) {
    if (!option.startsWith('extension_')) continue;
    const name = option.slice('extension_'.length);
    if (!/^[A-Za-z]+$/.test(name) || name === 'auth') {
      throw s.error('sasl.jaas.config', `has the SASL extension ${/^\w+$/.test(name) ? `"${name}"` : 'option'} whose name is not allowed (letters only, not "auth").`, 'Rename the extension.');
    }
    if (!/^[\x21-\x7E \t\r\n]+$/.test(value)) {
      throw s.error('sasl.jaas.config', `has a value for the SASL extension "${name}" with characters SASL does not allow.`, 'Use printable ASCII characters only.');
    }
    out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function milliseconds(s: Settings, key: string): number | undefined {
  const value = s.get(key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw s.error(key, `is "${value}", not a number of milliseconds.`, 'Give a whole number of milliseconds, or remove it.');
  return Number(value);
}

// ---------------------------------------------------------------------------------------------------------------
// JAAS

export interface JaasConfig {
  loginModule: string;
  controlFlag: 'required' | 'requisite' | 'sufficient' | 'optional';
  options: Record<string, string>;
}

type Token = { kind: 'word' | 'quoted'; text: string; at: number } | { kind: ';' | '='; at: number };

/**
 * Parses `sasl.jaas.config` as Kafka does: `<LoginModuleClass> <flag> name=value ... ;` — values quoted with " or '
 * (backslash escapes as in Java's StreamTokenizer) or bare words; `//` and `/* *\/` comments; one entry only,
 * ended by a semicolon. Errors point at a position, never quote the text: it holds the secrets.
 */
export function parseJaasConfig(text: string, key = 'sasl.jaas.config'): JaasConfig {
  const fail = (problem: string, fix = 'Write it as: <LoginModuleClass> required name="value" ...;') =>
    new ConfigError(`Configuration ${key} ${problem}`, key, { fix });
  const tokens = tokenizeJaas(text, fail);
  const [module, flag] = tokens;
  if (module === undefined || (module.kind !== 'word' && module.kind !== 'quoted')) throw fail('names no login module.');
  if (flag === undefined || flag.kind !== 'word') throw fail('has no control flag after the login module.');
  const controlFlag = flag.text.toLowerCase();
  if (controlFlag !== 'required' && controlFlag !== 'requisite' && controlFlag !== 'sufficient' && controlFlag !== 'optional') {
    throw fail(`has an invalid control flag at character ${flag.at + 1}; use required, requisite, sufficient or optional.`);
  }
  const options: Record<string, string> = {};
  let i = 2;
  for (let n = 1; tokens[i] !== undefined && tokens[i]!.kind !== ';'; n++, i += 3) {
    const [name, eq, value] = [tokens[i]!, tokens[i + 1], tokens[i + 2]];
    if (name.kind === '=' || eq?.kind !== '=' || value === undefined || (value.kind !== 'word' && value.kind !== 'quoted')) {
      throw fail(`has option ${n} (character ${name.at + 1}) without name=value.`, 'Write options as name="value"; quote values that contain spaces, =, ; or /.');
    }
    options[(name as { text: string }).text] = value.text;
  }
  if (tokens[i] === undefined) throw fail('is not ended by a semicolon.', 'End the login module entry with ";".');
  if (i + 1 < tokens.length) {
    throw fail('has more than one login module entry; a Kafka client takes exactly one.', 'Keep the one entry for the configured sasl.mechanism.');
  }
  return { loginModule: (module as { text: string }).text, controlFlag, options };
}

const JAAS_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function tokenizeJaas(text: string, fail: (problem: string) => ConfigError): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c <= ' ') {
      i++;
    } else if (c === '/') {
      // "//" and a lone "/" comment out the rest of the line; "/*" runs to "*/".
      if (text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      } else {
        while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      }
    } else if (c === ';' || c === '=') {
      tokens.push({ kind: c, at: i++ });
    } else if (c === '"' || c === "'") {
      const at = i++;
      let value = '';
      for (;;) {
        if (i >= text.length || text[i] === '\n' || text[i] === '\r') throw fail(`has a quoted value at character ${at + 1} that is not closed on its line.`);
        const d = text[i++]!;
        if (d === c) break;
        if (d !== '\\' || i >= text.length) {
          value += d;
          continue;
        }
        const e = text[i++]!;
        const octal = /^[0-7]{1,3}/.exec(text.slice(i - 1, i + 2))?.[0];
        if (octal !== undefined) {
          // As Java: up to three octal digits, the third only when the first is 0-3.
          const digits = octal.length === 3 && octal[0]! > '3' ? octal.slice(0, 2) : octal;
          value += String.fromCharCode(parseInt(digits, 8));
          i += digits.length - 1;
        } else {
          value += JAAS_ESCAPES[e] ?? e;
        }
      }
      tokens.push({ kind: 'quoted', text: value, at });
    } else {
      const at = i;
      while (i < text.length && text[i]! > ' ' && !';="\'/'.includes(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(at, i), at });
    }
  }
  return tokens;
}
