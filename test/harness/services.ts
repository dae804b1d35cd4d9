/**
 * The tests' services: `testServices()` (env, Docker or the native test bed, in that order), `uniqueName` and
 * `waitFor` come from scripts/testbed (providers.ts, util.ts), which the benches share; what only tests use is
 * here: `serviceEnv` (the services as the env vars the product reads), `securedKafka` (the secured listeners,
 * or undefined to skip), `dbTls` (the databases' TLS files, or undefined to skip) and `schemaRegistry` (its URL, or undefined to skip). See scripts/testbed/providers.ts for the providers and their conventions.
 *
 *   const s = await testServices();   // memoized per process
 */
import { NATIVE_ENV, type DbTlsEnv, type KafkaSecurityEnv, type ServiceEnv } from '../../scripts/testbed/index.js';
import type { DbTls, KafkaSecurity, TestServices } from '../../scripts/testbed/providers.js';

export { testServices, type DbTls, type KafkaSecurity, type Provider, type TestServices } from '../../scripts/testbed/providers.js';
export { uniqueName, waitFor, type WaitForOptions } from '../../scripts/testbed/util.js';

/** The services as the URL env vars the application itself reads (for spawning the CLI etc.). */
export function serviceEnv(s: TestServices): ServiceEnv {
  const enc = encodeURIComponent;
  return {
    KAFKA_BROKERS: s.kafkaBrokers.join(','),
    MYSQL_URL: `mysql://${enc(s.mysql.user)}:${enc(s.mysql.password)}@${s.mysql.host}:${s.mysql.port}/`,
    PG_URL: `postgres://${enc(s.pg.user)}${s.pg.password ? `:${enc(s.pg.password)}` : ''}@${s.pg.host}:${s.pg.port}/${enc(s.pg.database)}`,
    ...(s.schemaRegistryUrl && { SCHEMA_REGISTRY_URL: s.schemaRegistryUrl }),
    ...(s.kafkaSecurity && kafkaSecurityToEnv(s.kafkaSecurity)),
    ...(s.dbTls && dbTlsToEnv(s.dbTls)),
  };
}

/**
 * The databases' TLS files for a test that needs MariaDB and PostgreSQL with TLS, or undefined (skip the test)
 * where the services have none: Docker, a user's own MYSQL_URL/PG_URL. The native test bed always has them.
 */
export function dbTls(s: TestServices): DbTls | undefined {
  const nativeTestBed = s.provider === 'native' || s.kafkaBrokers.join(',') === NATIVE_ENV.KAFKA_BROKERS;
  if (!s.dbTls && nativeTestBed) {
    throw new Error('the native test bed has no MYSQL_TLS_CA/PG_TLS_CA etc. in its environment: run `npm run services:up` again');
  }
  return s.dbTls;
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
 * The Confluent-compatible schema registry's base URL for a test that needs one (global compatibility BACKWARD
 * on the native test bed), or undefined (skip the test) where the services have none: Docker, a user's own
 * KAFKA_BROKERS without SCHEMA_REGISTRY_URL. The native test bed always has one, so there it must be present.
 */
export function schemaRegistry(s: TestServices): string | undefined {
  const nativeTestBed = s.provider === 'native' || s.kafkaBrokers.join(',') === NATIVE_ENV.KAFKA_BROKERS;
  if (!s.schemaRegistryUrl && nativeTestBed) {
    throw new Error('the native test bed has no SCHEMA_REGISTRY_URL in its environment: run `npm run services:up` again');
  }
  return s.schemaRegistryUrl;
}

// ---------------------------------------------------------------------------------------------

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

function dbTlsToEnv(t: DbTls): DbTlsEnv {
  return { MYSQL_TLS_CA: t.mysqlCa, PG_TLS_CA: t.pgCa, DB_TLS_OTHER_CA: t.otherCa, DB_TLS_CLIENT_CERT: t.clientCert, DB_TLS_CLIENT_KEY: t.clientKey };
}
