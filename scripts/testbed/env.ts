/**
 * Where the test bed is and what it answers on: its ports (shifted by TSCDC_SERVICES_PORT_OFFSET), the
 * repository's `.services/` dir and the paths under it, the `.services/env` file that names the services, and the
 * URLs in it. No process is started here; every other file of the test bed takes its ports and paths from this one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE_PORTS = {
  kafka: 19092,
  kafkaController: 19093,
  kafkaSaslSsl: 19094,
  kafkaSsl: 19095,
  mysql: 13306,
  pg: 15432,
  schemaRegistry: 18081, // Confluent's 8081, moved up like the others
} as const;

/**
 * TSCDC_SERVICES_PORT_OFFSET shifts every port up, so that a second checkout's test bed (its own `.services/`)
 * can run beside another one instead of failing on ports in use. Not down: that would reach the default
 * MariaDB/PostgreSQL ports, which the test bed never takes.
 */
function portsWithOffset(raw = process.env.TSCDC_SERVICES_PORT_OFFSET || '0'): Record<keyof typeof BASE_PORTS, number> {
  const offset = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  const ports = Object.fromEntries(Object.entries(BASE_PORTS).map(([k, v]) => [k, v + offset])) as Record<keyof typeof BASE_PORTS, number>;
  if (!Object.values(ports).every((port) => port <= 65535)) {
    throw new Error(`TSCDC_SERVICES_PORT_OFFSET must be a non-negative integer that keeps the test bed's ports at most 65535 (got ${JSON.stringify(raw)})`);
  }
  return ports;
}

export const PORTS = portsWithOffset();

/** SASL user of the secured Kafka listener: the same name and password for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. */
export const KAFKA_SASL_USER = 'tscdc';
export const KAFKA_SASL_PASSWORD = 'tscdc-secret';
export const KAFKA_CLIENT_P12_PASSWORD = 'tscdc-p12-secret';

/**
 * The native Kafka's secured listeners and the TLS files for them (absolute paths). Optional in ServiceEnv:
 * other providers (Docker, a user's own KAFKA_BROKERS) have no such listeners.
 */
export const KAFKA_SECURITY_KEYS = [
  'KAFKA_SASL_SSL_BROKERS', // SASL_SSL: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER (unsecured JWTs)
  'KAFKA_SSL_BROKERS', // SSL with a required client certificate
  'KAFKA_TLS_CA', // the CA that signed the broker and client certificates (PEM)
  'KAFKA_TLS_OTHER_CA', // an unrelated CA, for "untrusted CA" tests (PEM)
  'KAFKA_TLS_CLIENT_CERT', // client certificate (PEM), accepted by the SSL listener
  'KAFKA_TLS_CLIENT_KEY', // its private key (PKCS#8 PEM, unencrypted)
  'KAFKA_TLS_CLIENT_P12', // the same key, certificate and CA as a PKCS#12 keystore
  'KAFKA_TLS_CLIENT_P12_PASSWORD',
  'KAFKA_SASL_USER', // valid for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512
  'KAFKA_SASL_PASSWORD',
] as const;

export type KafkaSecurityEnv = Record<(typeof KAFKA_SECURITY_KEYS)[number], string>;

/**
 * The native MariaDB's and PostgreSQL's TLS files (absolute paths, PEM; dbTlsPaths). Optional in ServiceEnv:
 * other providers have no TLS on their databases.
 */
export const DB_TLS_KEYS = [
  'MYSQL_TLS_CA', // the CA that signed MariaDB's certificate (CN localhost, SAN 127.0.0.1 and localhost)
  'PG_TLS_CA', // the CA that signed PostgreSQL's certificate (the same names)
  'DB_TLS_OTHER_CA', // a CA that signed neither, for "untrusted CA" tests
  'DB_TLS_CLIENT_CERT', // a client certificate signed by the CA (CN tscdc-client)
  'DB_TLS_CLIENT_KEY', // its private key (PKCS#8 PEM, unencrypted)
] as const;

export type DbTlsEnv = Record<(typeof DB_TLS_KEYS)[number], string>;

/** The database TLS part of `env`, if it has all of it. */
export function dbTlsEnv(env: Readonly<Partial<DbTlsEnv>>): DbTlsEnv | undefined {
  const picked = DB_TLS_KEYS.map((k) => [k, env[k]] as const);
  return picked.every(([, v]) => v) ? (Object.fromEntries(picked) as DbTlsEnv) : undefined;
}

export interface ServiceEnv extends Partial<KafkaSecurityEnv>, Partial<DbTlsEnv> {
  KAFKA_BROKERS: string;
  MYSQL_URL: string;
  PG_URL: string;
  /** Confluent-compatible Schema Registry base URL (`…/subjects`, `…/schemas/ids/<id>` below it); not every provider has one */
  SCHEMA_REGISTRY_URL?: string;
}

/** The secured-listener part of `env`, if it has all of it. */
export function kafkaSecurityEnv(env: Readonly<Partial<KafkaSecurityEnv>>): KafkaSecurityEnv | undefined {
  const picked = KAFKA_SECURITY_KEYS.map((k) => [k, env[k]] as const);
  return picked.every(([, v]) => v) ? (Object.fromEntries(picked) as KafkaSecurityEnv) : undefined;
}

export const NATIVE_ENV: Required<ServiceEnv> = nativeEnv();

function nativeEnv(): Required<ServiceEnv> {
  const tls = kafkaTlsPaths();
  const db = dbTlsPaths();
  return {
    KAFKA_BROKERS: `127.0.0.1:${PORTS.kafka}`,
    MYSQL_URL: `mysql://root:@127.0.0.1:${PORTS.mysql}/`,
    PG_URL: `postgres://postgres@127.0.0.1:${PORTS.pg}/postgres`,
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${PORTS.schemaRegistry}/apis/ccompat/v7`,
    KAFKA_SASL_SSL_BROKERS: `127.0.0.1:${PORTS.kafkaSaslSsl}`,
    KAFKA_SSL_BROKERS: `127.0.0.1:${PORTS.kafkaSsl}`,
    KAFKA_TLS_CA: tls.ca,
    KAFKA_TLS_OTHER_CA: tls.otherCa,
    KAFKA_TLS_CLIENT_CERT: tls.clientCert,
    KAFKA_TLS_CLIENT_KEY: tls.clientKey,
    KAFKA_TLS_CLIENT_P12: tls.clientP12,
    KAFKA_TLS_CLIENT_P12_PASSWORD: KAFKA_CLIENT_P12_PASSWORD,
    KAFKA_SASL_USER,
    KAFKA_SASL_PASSWORD,
    MYSQL_TLS_CA: db.ca,
    PG_TLS_CA: db.ca,
    DB_TLS_OTHER_CA: db.otherCa,
    DB_TLS_CLIENT_CERT: db.clientCert,
    DB_TLS_CLIENT_KEY: db.clientKey,
  };
}

/** The repository root: the nearest ancestor of this file holding package.json (works from scripts/testbed and dist/scripts/testbed). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function servicesDir(): string {
  return join(repoRoot(), '.services');
}

export function envFilePath(): string {
  return join(servicesDir(), 'env');
}

/** Short stable tag for fallback paths outside the repo (socket paths are limited to ~107 bytes). */
export function repoTag(): string {
  return createHash('sha1').update(repoRoot()).digest('hex').slice(0, 8);
}

export function socketPathFor(preferred: string, fallbackName: string): string {
  return Buffer.byteLength(preferred) <= 100 ? preferred : join('/tmp', `tscdc-${repoTag()}-${fallbackName}`);
}

/** Parse `.services/env` (KEY=VALUE lines, # comments). Returns undefined if missing or incomplete. */
export function readEnvFile(path = envFilePath()): ServiceEnv | undefined {
  if (!existsSync(path)) return undefined;
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"'))) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  if (!out.KAFKA_BROKERS || !out.MYSQL_URL || !out.PG_URL) return undefined;
  return {
    KAFKA_BROKERS: out.KAFKA_BROKERS,
    MYSQL_URL: out.MYSQL_URL,
    PG_URL: out.PG_URL,
    ...(out.SCHEMA_REGISTRY_URL && { SCHEMA_REGISTRY_URL: out.SCHEMA_REGISTRY_URL }),
    ...kafkaSecurityEnv(out),
    ...dbTlsEnv(out),
  };
}

export function writeEnvFile(env: ServiceEnv): void {
  mkdirSync(servicesDir(), { recursive: true });
  const body =
    '# Written by `npm run services:up` (scripts/services.ts). Shell-sourceable: set -a; . .services/env; set +a\n' +
    '# MariaDB root has no password; PostgreSQL uses trust auth (incl. replication) on 127.0.0.1.\n' +
    '# KAFKA_SASL_SSL_BROKERS: SASL PLAIN, SCRAM-SHA-256/512 (KAFKA_SASL_USER/PASSWORD) and OAUTHBEARER (unsecured JWTs);\n' +
    '# KAFKA_SSL_BROKERS: mutual TLS. Both are signed by KAFKA_TLS_CA; KAFKA_TLS_OTHER_CA is a CA the broker does not know.\n' +
    '# MYSQL_TLS_CA/PG_TLS_CA: the CA of MariaDB\'s and PostgreSQL\'s TLS certificate (127.0.0.1, localhost); DB_TLS_OTHER_CA signed neither.\n' +
    '# SCHEMA_REGISTRY_URL: Apicurio Registry (in memory: empty after each start), Confluent API, global compatibility BACKWARD.\n' +
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');
  const tmp = `${envFilePath()}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, envFilePath());
}

export interface MysqlParams {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function parseMysqlUrl(url: string): MysqlParams {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
  };
}

export interface PgParams extends MysqlParams {
  database: string;
}

export function parsePgUrl(url: string): PgParams {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
}

/** The broker's files under `.services/kafka/`, and its POM and Log4j2 configuration in scripts/kafka/. */
export function kafkaPaths() {
  const dir = join(servicesDir(), 'kafka');
  return {
    dir,
    libs: join(dir, 'libs'),
    data: join(dir, 'data'),
    props: join(dir, 'server.properties'),
    log: join(dir, 'kafka.log'),
    pid: join(dir, 'kafka.pid'),
    /** hash of the configuration the running broker was started with, written once it is fully set up */
    configHash: join(dir, 'kafka.config-sha256'),
    clusterId: join(dir, 'cluster-id'),
    pom: join(repoRoot(), 'scripts', 'kafka', 'pom.xml'),
    log4j: join(repoRoot(), 'scripts', 'kafka', 'log4j2.yaml'),
  };
}

/** The schema registry's files under `.services/schema-registry/`, and the POM that assembles it. */
export function schemaRegistryPaths() {
  const dir = join(servicesDir(), 'schema-registry');
  return {
    dir,
    /** the runnable registry: runner jar, lib/ and BUILD (what it was built from) */
    app: join(dir, 'app'),
    /** Maven's build directory, removed once `app` is assembled from it */
    build: join(dir, 'build'),
    buildLog: join(dir, 'build.log'),
    log: join(dir, 'registry.log'),
    pid: join(dir, 'registry.pid'),
    /** hash of the build and command line the running registry was started with */
    startedWith: join(dir, 'registry.started-sha256'),
    pom: join(repoRoot(), 'scripts', 'schema-registry', 'pom.xml'),
  };
}

/** TLS material of the secured listeners, made once by ensureKafkaTls. */
export function kafkaTlsPaths() {
  const dir = join(servicesDir(), 'kafka', 'tls');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    otherCa: join(dir, 'other-ca.pem'),
    otherCaKey: join(dir, 'other-ca-key.pem'),
    brokerCert: join(dir, 'broker-cert.pem'),
    brokerKey: join(dir, 'broker-key.pem'),
    /** the broker's PEM keystore: its PKCS#8 key, then its certificate chain (broker, CA) */
    brokerKeystore: join(dir, 'broker-keystore.pem'),
    clientCert: join(dir, 'client-cert.pem'),
    clientKey: join(dir, 'client-key.pem'),
    clientP12: join(dir, 'client.p12'),
  };
}

export type KafkaTlsPaths = ReturnType<typeof kafkaTlsPaths>;

/** TLS material of the native MariaDB and PostgreSQL, made once by ensureDbTls (tls.ts). */
export function dbTlsPaths() {
  const dir = join(servicesDir(), 'db-tls');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    otherCa: join(dir, 'other-ca.pem'),
    otherCaKey: join(dir, 'other-ca-key.pem'),
    /** the servers' certificate: CN localhost, subjectAltName IP:127.0.0.1 and DNS:localhost */
    serverCert: join(dir, 'server-cert.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientCert: join(dir, 'client-cert.pem'),
    clientKey: join(dir, 'client-key.pem'),
  };
}

export type DbTlsPaths = ReturnType<typeof dbTlsPaths>;
