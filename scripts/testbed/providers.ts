/**
 * The ONE place tests and benches get Kafka / MariaDB / PostgreSQL from.
 *
 *   const s = await testServices();   // memoized per process
 *
 * Providers, in this order:
 *   1. 'env'            KAFKA_BROKERS + MYSQL_URL + PG_URL are set in the environment (trusted as is),
 *                       or `.services/env` (written by `npm run services:up`) exists and all three answer.
 *   2. 'testcontainers' a Docker engine answers (DOCKER_HOST or /var/run/docker.sock): apache/kafka,
 *                       mariadb:11 and postgres:16 via the `testcontainers` package (loaded lazily; containers.ts).
 *   3. 'native'         start the native services exactly like `npm run services:up` (index.ts).
 * Set TEST_SERVICES_PROVIDER=env|testcontainers|native to force one.
 *
 * Conventions: MariaDB user root with an empty password (native/containers); PostgreSQL user postgres,
 * trust auth (logical replication allowed), database postgres. Only the native test bed has Kafka's
 * secured listeners (SASL_SSL, SSL; the KAFKA_SASL_SSL_BROKERS … variables of `.services/env`, also taken
 * from the environment next to KAFKA_BROKERS): `kafkaSecurity`, which tests take through test/harness's
 * `securedKafka(s)`. Only the native test bed's MariaDB and PostgreSQL offer TLS (MYSQL_TLS_CA, PG_TLS_CA …):
 * `dbTls`, through test/harness's `dbTls(s)`. Likewise only the native test bed (or SCHEMA_REGISTRY_URL in the environment) has a schema
 * registry: `schemaRegistryUrl`, which tests take through test/harness's `schemaRegistry(s)`.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { startContainers } from './containers.js';
import { dbTlsEnv, kafkaSecurityEnv, parseMysqlUrl, parsePgUrl, readEnvFile, type DbTlsEnv, type KafkaSecurityEnv, type ServiceEnv } from './env.js';
import { envAnswers } from './health.js';
import { servicesUp } from './index.js';

export interface TestServices {
  kafkaBrokers: string[];
  /** The native test bed's secured Kafka listeners; other providers have none (tests: securedKafka in test/harness). */
  kafkaSecurity?: KafkaSecurity;
  mysql: { host: string; port: number; user: string; password: string };
  pg: { host: string; port: number; user: string; password: string; database: string };
  /** The native test bed's database TLS files (MariaDB and PostgreSQL offer TLS); tests: dbTls in test/harness. */
  dbTls?: DbTls;
  /** Confluent-compatible Schema Registry base URL (SCHEMA_REGISTRY_URL); global compatibility BACKWARD on the native test bed */
  schemaRegistryUrl?: string;
  provider: 'env' | 'native' | 'testcontainers';
}

/** KAFKA_SASL_SSL_BROKERS … KAFKA_SASL_PASSWORD of `.services/env` (env.ts). */
export interface KafkaSecurity {
  /** SASL_SSL: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 with `sasl`, or OAUTHBEARER with an unsecured JWT */
  saslSslBrokers: string[];
  /** SSL with a required client certificate (`tls.clientCert`/`clientKey` or `clientP12`) */
  sslBrokers: string[];
  /** file paths (PEM, but clientP12); `otherCa` is a CA the broker's certificate is not signed by */
  tls: { ca: string; otherCa: string; clientCert: string; clientKey: string; clientP12: string; clientP12Password: string };
  sasl: { user: string; password: string };
}

/** MYSQL_TLS_CA … DB_TLS_CLIENT_KEY of `.services/env` (env.ts): PEM file paths. */
export interface DbTls {
  /** the CA that signed MariaDB's certificate (CN localhost; subjectAltName 127.0.0.1, localhost) */
  mysqlCa: string;
  /** the CA that signed PostgreSQL's certificate (the same names) */
  pgCa: string;
  /** a CA that signed neither */
  otherCa: string;
  /** a client certificate signed by the CA, and its unencrypted PKCS#8 key */
  clientCert: string;
  clientKey: string;
}

export type Provider = TestServices['provider'];

let memo: Promise<TestServices> | undefined;

/** Kafka, MariaDB and PostgreSQL for this test process (started at most once per process). */
export function testServices(): Promise<TestServices> {
  memo ??= resolveServices().catch((e: unknown) => {
    memo = undefined; // let a later call retry
    throw e;
  });
  return memo;
}

const brokerList = (brokers: string) => brokers.split(',').map((b) => b.trim()).filter(Boolean);

function fromEnv(env: ServiceEnv, provider: Provider): TestServices {
  const pg = parsePgUrl(env.PG_URL);
  const security = kafkaSecurityEnv(env);
  const db = dbTlsEnv(env);
  return {
    kafkaBrokers: brokerList(env.KAFKA_BROKERS),
    ...(security && { kafkaSecurity: kafkaSecurityFromEnv(security) }),
    ...(db && { dbTls: dbTlsFromEnv(db) }),
    mysql: parseMysqlUrl(env.MYSQL_URL),
    pg,
    ...(env.SCHEMA_REGISTRY_URL && { schemaRegistryUrl: env.SCHEMA_REGISTRY_URL }),
    provider,
  };
}

function dbTlsFromEnv(env: DbTlsEnv): DbTls {
  return {
    mysqlCa: env.MYSQL_TLS_CA, pgCa: env.PG_TLS_CA, otherCa: env.DB_TLS_OTHER_CA, clientCert: env.DB_TLS_CLIENT_CERT, clientKey: env.DB_TLS_CLIENT_KEY,
  };
}

function kafkaSecurityFromEnv(env: KafkaSecurityEnv): KafkaSecurity {
  return {
    saslSslBrokers: brokerList(env.KAFKA_SASL_SSL_BROKERS),
    sslBrokers: brokerList(env.KAFKA_SSL_BROKERS),
    tls: {
      ca: env.KAFKA_TLS_CA,
      otherCa: env.KAFKA_TLS_OTHER_CA,
      clientCert: env.KAFKA_TLS_CLIENT_CERT,
      clientKey: env.KAFKA_TLS_CLIENT_KEY,
      clientP12: env.KAFKA_TLS_CLIENT_P12,
      clientP12Password: env.KAFKA_TLS_CLIENT_P12_PASSWORD,
    },
    sasl: { user: env.KAFKA_SASL_USER, password: env.KAFKA_SASL_PASSWORD },
  };
}

/**
 * KAFKA_BROKERS, MYSQL_URL, PG_URL and, when set, SCHEMA_REGISTRY_URL, (all of) the secured-listener variables
 * and (all of) the database TLS variables (as run-tests.mjs passes them).
 */
function envFromProcess(): ServiceEnv | undefined {
  const { KAFKA_BROKERS, MYSQL_URL, PG_URL, SCHEMA_REGISTRY_URL } = process.env;
  if (!(KAFKA_BROKERS && MYSQL_URL && PG_URL)) return undefined;
  return { KAFKA_BROKERS, MYSQL_URL, PG_URL, ...(SCHEMA_REGISTRY_URL && { SCHEMA_REGISTRY_URL }), ...kafkaSecurityEnv(process.env), ...dbTlsEnv(process.env) };
}

async function resolveServices(): Promise<TestServices> {
  const forced = process.env.TEST_SERVICES_PROVIDER as Provider | undefined;
  if (forced && !['env', 'native', 'testcontainers'].includes(forced)) {
    throw new Error(`TEST_SERVICES_PROVIDER must be env, native or testcontainers (got ${forced})`);
  }

  if (!forced || forced === 'env') {
    const fromProc = envFromProcess();
    if (fromProc) return fromEnv(fromProc, 'env');
    const file = readEnvFile();
    if (file && (await envAnswers(file, 3000)).all) return fromEnv(file, 'env');
    if (forced === 'env') {
      throw new Error('TEST_SERVICES_PROVIDER=env but KAFKA_BROKERS/MYSQL_URL/PG_URL are not all set and .services/env is missing or not answering');
    }
  }
  if (forced === 'testcontainers' || (!forced && (await dockerAnswers()))) return startContainers();
  return fromEnv(await servicesUp(), 'native');
}

/** Is a Docker engine reachable (DOCKER_HOST unix:// or tcp://, else /var/run/docker.sock)? */
function dockerAnswers(timeoutMs = 1500): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  let target: { socketPath: string } | { host: string; port: number };
  if (host?.startsWith('tcp://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: u.hostname, port: Number(u.port || 2375) };
  } else {
    const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return Promise.resolve(false);
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
