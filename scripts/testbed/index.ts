/**
 * Native (no Docker) test bed: a single-node KRaft Kafka from Maven Central jars, a MariaDB with a
 * ROW binlog, a PostgreSQL with wal_level=logical and a Confluent-compatible schema registry (Apicurio, assembled
 * from Maven Central), each on its own non-default port, with all state under `<repo>/.services/`. Used by
 * `scripts/services.ts` (npm run services:up|down), the demo, the benches and the tests (provider 'native'); this
 * package is the only copy of the logic. This file starts and stops the four and is what its users import; each
 * concern has its own file:
 *
 *   env.ts           ports (TSCDC_SERVICES_PORT_OFFSET), paths under .services/, the .services/env file, URLs
 *   process.ts       detached servers, pid files, liveness, terminate, free ports, binaries, ServiceStartError
 *   lock.ts          one services:up/down at a time (.services/lock)
 *   health.ts        does Kafka / MariaDB / PostgreSQL answer
 *   tls.ts           the openssl material of Kafka's secured listeners and of the databases' TLS
 *   kafka.ts         Kafka's start, reuse, SCRAM users, warm-up, stop
 *   kafka-config.ts  its server.properties and the hash that restarts a broker with another configuration
 *   kafka-tools.ts   its jars (Maven), Java 17+, running Kafka's own Java tools
 *   mariadb.ts       MariaDB (ROW binlog, GTIDs, TLS offered)
 *   postgres.ts      PostgreSQL (wal_level=logical, TLS offered, pg_hba rules for the sslmode tests)
 *   schema-registry.ts  Apicurio Registry (its Maven assembly, start, global compatibility BACKWARD, stop)
 *
 * and beside it, for tests and benches (not imported here):
 *
 *   providers.ts     testServices(): the services from the environment, Docker (containers.ts) or this test bed
 *   util.ts          uniqueName, waitFor
 *   worker.ts        spawned workers, their REST API, one Kafka client to read topics and clean up
 *
 * The services (ports before TSCDC_SERVICES_PORT_OFFSET):
 *
 *   Kafka       127.0.0.1:19092 PLAINTEXT (also inter-broker), controller 19093 .services/kafka/{libs,data,kafka.log,kafka.pid}
 *               127.0.0.1:19094 SASL_SSL: PLAIN, SCRAM-SHA-256/512 (user tscdc), OAUTHBEARER (unsecured JWTs)
 *               127.0.0.1:19095 SSL with a required client certificate (mutual TLS)   .services/kafka/tls/*.pem, client.p12
 *   MariaDB     127.0.0.1:13306, user root, no pwd    .services/mariadb/{data,my.cnf,mariadb.log,mariadb.pid}
 *   PostgreSQL  127.0.0.1:15432, user postgres, trust .services/pg/{data,run,postgres.log}
 *   Registry    127.0.0.1:18081/apis/ccompat/v7 (in memory) .services/schema-registry/{app,build.log,registry.log,registry.pid}
 *
 * TSCDC_SERVICES_PORT_OFFSET=<n> adds n to every port (a second checkout's test bed beside another one).
 * `.services/env` (shell-sourceable) holds KAFKA_BROKERS, MYSQL_URL, PG_URL and SCHEMA_REGISTRY_URL once all answer, and
 * the secured listeners with their files (KAFKA_SECURITY_KEYS: KAFKA_SASL_SSL_BROKERS, KAFKA_SSL_BROKERS,
 * KAFKA_TLS_CA, KAFKA_TLS_OTHER_CA, KAFKA_TLS_CLIENT_CERT/KEY/P12/P12_PASSWORD, KAFKA_SASL_USER/PASSWORD), and the
 * databases' TLS files (DB_TLS_KEYS: MYSQL_TLS_CA, PG_TLS_CA, DB_TLS_OTHER_CA, DB_TLS_CLIENT_CERT/KEY; .services/db-tls/).
 * The TLS material is made once with openssl; a running Kafka is reused only if it was started with
 * the current configuration (kafka.config-sha256), otherwise restarted.
 * The Kafka version is pinned in scripts/kafka/pom.xml (<kafka.version>), the registry's in
 * scripts/schema-registry/pom.xml (<apicurio.version>).
 */
import { rmSync } from 'node:fs';
import { envFilePath, NATIVE_ENV, writeEnvFile, type ServiceEnv } from './env.js';
import { kafkaDown, kafkaUp } from './kafka.js';
import { withLock } from './lock.js';
import { mariadbDown, mariadbUp } from './mariadb.js';
import { postgresDown, postgresUp } from './postgres.js';
import { schemaRegistryDown, schemaRegistryUp } from './schema-registry.js';
import { strayProcesses, type Log } from './process.js';

export {
  envFilePath,
  DB_TLS_KEYS,
  dbTlsEnv,
  KAFKA_SECURITY_KEYS,
  kafkaSecurityEnv,
  NATIVE_ENV,
  parseMysqlUrl,
  parsePgUrl,
  PORTS,
  schemaRegistryPaths,
  readEnvFile,
  repoRoot,
  servicesDir,
  type DbTlsEnv,
  type KafkaSecurityEnv,
  type MysqlParams,
  type PgParams,
  type ServiceEnv,
} from './env.js';
export { envAnswers, kafkaAnswers, mysqlAnswers, pgAnswers, schemaRegistryAnswers, type EnvHealth } from './health.js';
export { kafkaToolOutput, kafkaVersion } from './kafka-tools.js';
export { ServiceStartError, type ServiceName } from './process.js';

export interface NativeOptions {
  /** progress messages; default: console.error with a prefix */
  log?: (msg: string) => void;
}

const defaultLog: Log = (msg) => console.error(`[services] ${msg}`);

/**
 * Start (or reuse) all four services, wait until they answer, write `.services/env`.
 * Throws ServiceStartError (or an AggregateError of them) with log tails on failure.
 */
export async function servicesUp(opts: NativeOptions = {}): Promise<ServiceEnv> {
  const log = opts.log ?? defaultLog;
  return withLock(log, async () => {
    const results = await Promise.allSettled([kafkaUp(log), mariadbUp(log), postgresUp(log), schemaRegistryUp(log)]);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
    writeEnvFile(NATIVE_ENV);
    return { ...NATIVE_ENV };
  });
}

/** Stop all four services started by servicesUp (no-op for those not running) and remove `.services/env`. */
export async function servicesDown(opts: NativeOptions = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  return withLock(log, async () => {
    rmSync(envFilePath(), { force: true });
    const results = await Promise.allSettled([kafkaDown(log), mariadbDown(log), postgresDown(log), schemaRegistryDown(log)]);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const leftovers = strayProcesses();
    for (const { pid, cmd } of leftovers) {
      log(`killing leftover process ${pid}: ${cmd.slice(0, 160)}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (errors.length) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
  });
}
