/**
 * The ONE place integration tests get Kafka / MariaDB / PostgreSQL from.
 *
 *   const s = await testServices();   // memoized per process
 *
 * Providers, in this order:
 *   1. 'env'            KAFKA_BROKERS + MYSQL_URL + PG_URL are set in the environment (trusted as is),
 *                       or `.services/env` (written by `npm run services:up`) exists and all three answer.
 *   2. 'testcontainers' a Docker engine answers (DOCKER_HOST or /var/run/docker.sock): apache/kafka,
 *                       mariadb:11 and postgres:16 via the `testcontainers` package (loaded lazily).
 *   3. 'native'         start the native services exactly like `npm run services:up` (test/harness/native.ts).
 * Set TEST_SERVICES_PROVIDER=env|testcontainers|native to force one.
 *
 * Conventions: MariaDB user root with an empty password (native/containers); PostgreSQL user postgres,
 * trust auth (logical replication allowed), database postgres. Only the native test bed has Kafka's
 * secured listeners (SASL_SSL, SSL; the KAFKA_SASL_SSL_BROKERS … variables of `.services/env`, also taken
 * from the environment next to KAFKA_BROKERS): `securedKafka(s)`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import {
  envAnswers,
  kafkaAnswers,
  kafkaSecurityEnv,
  mysqlAnswers,
  NATIVE_ENV,
  parseMysqlUrl,
  parsePgUrl,
  pgAnswers,
  readEnvFile,
  servicesUp,
  type KafkaSecurityEnv,
  type ServiceEnv,
} from '../../scripts/testbed/index.js';

export interface TestServices {
  kafkaBrokers: string[];
  /** The native test bed's secured Kafka listeners; other providers have none (see securedKafka). */
  kafkaSecurity?: KafkaSecurity;
  mysql: { host: string; port: number; user: string; password: string };
  pg: { host: string; port: number; user: string; password: string; database: string };
  provider: 'env' | 'native' | 'testcontainers';
}

/** KAFKA_SASL_SSL_BROKERS … KAFKA_SASL_PASSWORD of `.services/env` (test/harness/native.ts). */
export interface KafkaSecurity {
  /** SASL_SSL: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 with `sasl`, or OAUTHBEARER with an unsecured JWT */
  saslSslBrokers: string[];
  /** SSL with a required client certificate (`tls.clientCert`/`clientKey` or `clientP12`) */
  sslBrokers: string[];
  /** file paths (PEM, but clientP12); `otherCa` is a CA the broker's certificate is not signed by */
  tls: { ca: string; otherCa: string; clientCert: string; clientKey: string; clientP12: string; clientP12Password: string };
  sasl: { user: string; password: string };
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

/** The services as the URL env vars the application itself reads (for spawning the CLI etc.). */
export function serviceEnv(s: TestServices): ServiceEnv {
  const enc = encodeURIComponent;
  return {
    KAFKA_BROKERS: s.kafkaBrokers.join(','),
    MYSQL_URL: `mysql://${enc(s.mysql.user)}:${enc(s.mysql.password)}@${s.mysql.host}:${s.mysql.port}/`,
    PG_URL: `postgres://${enc(s.pg.user)}${s.pg.password ? `:${enc(s.pg.password)}` : ''}@${s.pg.host}:${s.pg.port}/${enc(s.pg.database)}`,
    ...(s.kafkaSecurity && kafkaSecurityToEnv(s.kafkaSecurity)),
  };
}

/**
 * The secured Kafka listeners for a test that needs them, or undefined (skip the test) where the services have
 * none: Docker, a user's own KAFKA_BROKERS. The native test bed always has them, so there they must be present.
 */
export function securedKafka(s: TestServices): KafkaSecurity | undefined {
  const nativeTestBed = s.provider === 'native' || s.kafkaBrokers.join(',') === NATIVE_ENV.KAFKA_BROKERS;
  if (!s.kafkaSecurity && nativeTestBed) {
    throw new Error('the native test bed has no KAFKA_SASL_SSL_BROKERS etc. in its environment: run `npm run services:up` again');
  }
  return s.kafkaSecurity;
}

/**
 * `prefix` + '_' + 8 random chars, all lowercase [a-z0-9_]: valid as a Kafka topic, a MySQL database
 * name and a PostgreSQL slot/publication name. The prefix is sanitised and cut to 40 chars.
 */
export function uniqueName(prefix = 't'): string {
  let p = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  if (!/^[a-z]/.test(p)) p = `t${p}`;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
  return `${p}_${suffix}`;
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/**
 * Poll `fn` until it returns a truthy value (which is returned) instead of sleeping a fixed time.
 * Exceptions thrown by `fn` count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 100;
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= end) {
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${opts.message ?? 'condition not met'}${why}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------

const brokerList = (brokers: string) => brokers.split(',').map((b) => b.trim()).filter(Boolean);

function fromEnv(env: ServiceEnv, provider: Provider): TestServices {
  const pg = parsePgUrl(env.PG_URL);
  const security = kafkaSecurityEnv(env);
  return {
    kafkaBrokers: brokerList(env.KAFKA_BROKERS),
    ...(security && { kafkaSecurity: kafkaSecurityFromEnv(security) }),
    mysql: parseMysqlUrl(env.MYSQL_URL),
    pg,
    provider,
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

function kafkaSecurityToEnv(k: KafkaSecurity): KafkaSecurityEnv {
  return {
    KAFKA_SASL_SSL_BROKERS: k.saslSslBrokers.join(','),
    KAFKA_SSL_BROKERS: k.sslBrokers.join(','),
    KAFKA_TLS_CA: k.tls.ca,
    KAFKA_TLS_OTHER_CA: k.tls.otherCa,
    KAFKA_TLS_CLIENT_CERT: k.tls.clientCert,
    KAFKA_TLS_CLIENT_KEY: k.tls.clientKey,
    KAFKA_TLS_CLIENT_P12: k.tls.clientP12,
    KAFKA_TLS_CLIENT_P12_PASSWORD: k.tls.clientP12Password,
    KAFKA_SASL_USER: k.sasl.user,
    KAFKA_SASL_PASSWORD: k.sasl.password,
  };
}

/** KAFKA_BROKERS, MYSQL_URL, PG_URL and, when all are set, the secured-listener variables (as run-tests.mjs passes them). */
function envFromProcess(): ServiceEnv | undefined {
  const { KAFKA_BROKERS, MYSQL_URL, PG_URL } = process.env;
  return KAFKA_BROKERS && MYSQL_URL && PG_URL ? { KAFKA_BROKERS, MYSQL_URL, PG_URL, ...kafkaSecurityEnv(process.env) } : undefined;
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

/** Containers are removed by testcontainers' reaper (Ryuk) when this process exits. */
async function startContainers(): Promise<TestServices> {
  const tc = await import('testcontainers');
  const { GenericContainer, Wait } = tc;
  const host = (await tc.getContainerRuntimeClient()).info.containerRuntime.host;

  // Kafka must advertise the port the client will dial, so bind the same fixed port inside and outside.
  const kafkaPort = await freePort();
  const kafkaImage = process.env.TEST_KAFKA_IMAGE ?? 'apache/kafka:4.1.0';
  const kafkaStart = new GenericContainer(kafkaImage)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaPort},CONTROLLER://127.0.0.1:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@127.0.0.1:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_MIN_INSYNC_REPLICAS: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      KAFKA_NUM_PARTITIONS: '1',
    })
    .withExposedPorts({ container: kafkaPort, host: kafkaPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();

  const mariadbStart = new GenericContainer(process.env.TEST_MARIADB_IMAGE ?? 'mariadb:11')
    .withEnvironment({ MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' })
    .withCommand([
      '--log-bin=mysql-bin',
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      '--binlog-row-metadata=FULL',
      '--server-id=1',
      '--max-connections=500',
      '--skip-name-resolve',
    ])
    .withExposedPorts(3306)
    .withStartupTimeout(180_000)
    .start(); // default wait strategy: port 3306 listening (the entrypoint's init server does not listen on TCP)

  const pgStart = new GenericContainer(process.env.TEST_PG_IMAGE ?? 'postgres:16')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withCommand(['postgres', '-c', 'wal_level=logical', '-c', 'max_replication_slots=20', '-c', 'max_wal_senders=20'])
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(180_000)
    .start();

  const [kafka, mariadb, postgres] = await Promise.all([kafkaStart, mariadbStart, pgStart]);
  const s: TestServices = {
    kafkaBrokers: [`${host}:${kafka.getMappedPort(kafkaPort)}`],
    mysql: { host: mariadb.getHost(), port: mariadb.getMappedPort(3306), user: 'root', password: '' },
    pg: { host: postgres.getHost(), port: postgres.getMappedPort(5432), user: 'postgres', password: '', database: 'postgres' },
    provider: 'testcontainers',
  };
  await Promise.all([
    waitFor(() => kafkaAnswers(s.kafkaBrokers), { timeoutMs: 60_000, message: 'kafka container answers' }),
    waitFor(() => mysqlAnswers(s.mysql), { timeoutMs: 60_000, message: 'mariadb container answers' }),
    waitFor(() => pgAnswers(s.pg), { timeoutMs: 60_000, message: 'postgres container answers' }),
  ]);
  return s;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
