/**
 * The Docker provider of testServices() (providers.ts): Kafka, MariaDB and PostgreSQL as containers through the
 * `testcontainers` package (a dev dependency, loaded only here and only when Docker is chosen), each configured
 * for CDC like the native test bed but without Kafka's secured listeners.
 */
import { kafkaAnswers, mysqlAnswers, pgAnswers } from './health.js';
import type { TestServices } from './providers.js';
import { waitFor } from './util.js';

/** Containers are removed by testcontainers' reaper (Ryuk) when this process exits. */
export async function startContainers(): Promise<TestServices> {
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
