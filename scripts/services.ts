/**
 * Native test bed (no Docker): `npm run services:up` / `npm run services:down`.
 *
 *   up    start (or reuse, if already up and healthy) Kafka 127.0.0.1:19092, MariaDB 127.0.0.1:13306,
 *         PostgreSQL 127.0.0.1:15432 and a schema registry on 127.0.0.1:18081, then write `.services/env`:
 *             KAFKA_BROKERS=127.0.0.1:19092                     (PLAINTEXT)
 *             MYSQL_URL=mysql://root:@127.0.0.1:13306/          (root, empty password)
 *             PG_URL=postgres://postgres@127.0.0.1:15432/postgres (trust auth, incl. replication)
 *             KAFKA_SASL_SSL_BROKERS=127.0.0.1:19094            (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER unsecured JWTs)
 *             KAFKA_SSL_BROKERS=127.0.0.1:19095                 (mutual TLS: client certificate required)
 *             KAFKA_TLS_CA, KAFKA_TLS_OTHER_CA                  (PEM: the CA of both listeners; an unrelated CA)
 *             KAFKA_TLS_CLIENT_CERT, KAFKA_TLS_CLIENT_KEY       (PEM client certificate and PKCS#8 key)
 *             KAFKA_TLS_CLIENT_P12, KAFKA_TLS_CLIENT_P12_PASSWORD (the same as a PKCS#12 keystore)
 *             KAFKA_SASL_USER=tscdc, KAFKA_SASL_PASSWORD=tscdc-secret (PLAIN and both SCRAMs)
 *             MYSQL_TLS_CA, PG_TLS_CA, DB_TLS_OTHER_CA           (PEM: the CA of MariaDB's and PostgreSQL's TLS; an unrelated CA)
 *             DB_TLS_CLIENT_CERT, DB_TLS_CLIENT_KEY             (PEM client certificate for both databases, and its key)
 *             SCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7 (Confluent API; in memory; global BACKWARD)
 *         Use it from a shell with `set -a; . .services/env; set +a`.
 *   down  stop all four (data dirs are kept, so the next `up` is a quick restart; the registry starts empty).
 *   status  print whether the services in `.services/env` answer (exit 1 if not).
 *
 * All state lives in `.services/` (gitignored); wipe it for a fresh start (`rm -rf .services`).
 * TSCDC_SERVICES_PORT_OFFSET=<n> shifts every port by n (e.g. 1000: Kafka 20092, MariaDB 14306, ...), for a
 * second checkout's test bed beside another one.
 * The implementation is scripts/testbed/ (index.ts and one file per concern), shared with the demo, the benches
 * and the tests.
 *
 * Kafka 4.4.0 (newest on Maven Central, pinned in scripts/kafka/pom.xml) with the product's client,
 *   @platformatic/kafka 2.12 (checked 2026-12 by the whole test suite): admin (create/describe/delete topics,
 *   ListOffsets, DescribeLogDirs), idempotent producer with every compression codec, Fetch, consumer groups.
 *   Kafka 4.x logs through Log4j2: the POM adds log4j-slf4j2-impl + slf4j-api 2.x (the
 *   kafka_2.13 POM ships no binding) and scripts/kafka/log4j2.yaml is passed explicitly.
 *
 * Secured listeners (checked 2026-12 with Kafka 4.4.0's own Java clients: ProducerPerformance and client properties):
 *   SASL_SSL with ssl.truststore.type=PEM + the CA: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 with tscdc/tscdc-secret
 *   produce; a wrong password fails with SaslAuthenticationException; other-ca.pem fails the TLS handshake (PKIX).
 *   SSL: a PEM (key + certificate) or the PKCS12 client keystore produces; no client certificate: bad_certificate.
 *   OAUTHBEARER: the broker takes any unsigned JWT "<b64url {"alg":"none"}>.<b64url claims>." (empty signature) with
 *   "sub" and a future "exp"; "iat" optional (not in the future); refused ({"status":"invalid_token"}): no sub, no
 *   exp, expired, iat in the future, alg HS256, a non-empty signature. Java's own token-endpoint client
 *   (OAuthBearerLoginCallbackHandler) cannot fetch such a token: its validator rejects the empty signature.
 *   SCRAM users: one ConfigCommand run per mechanism (both in one run: "A user credential cannot be altered twice
 *   in the same request").
 *
 * Schema registry: Apicurio Registry 2.4.2.Final (newest with every artifact on Maven Central), assembled by
 *   scripts/schema-registry/pom.xml (see its header); checked 2026-12: Avro schemas registered, fetched by id,
 *   an incompatible change refused with 409 under BACKWARD (test/services.test.ts). Maven build: 3 min with an empty
 *   local repository (228 MB downloaded; mvn peaks at ~780 MB RSS), 1 min with a warm one. Start: ~4 s on an idle
 *   machine (up to ~25 s beside the other three on two busy cores); 200-230 MB RSS with -Xmx256m.
 */
import { envAnswers, readEnvFile, servicesDown, servicesUp } from './testbed/index.js';

function usage(): never {
  console.error('usage: node --import tsx scripts/services.ts up|down|status');
  process.exit(2);
}

async function main(): Promise<number> {
  const cmd = process.argv[2];
  switch (cmd) {
    case 'up': {
      const t0 = Date.now();
      const env = await servicesUp();
      console.error(`[services] all up in ${((Date.now() - t0) / 1000).toFixed(1)}s; wrote .services/env:`);
      for (const [k, v] of Object.entries(env)) console.log(`${k}=${v}`);
      return 0;
    }
    case 'down':
      await servicesDown();
      console.error('[services] all down');
      return 0;
    case 'status': {
      const env = readEnvFile();
      if (!env) {
        console.error('[services] no .services/env (run `npm run services:up`)');
        return 1;
      }
      const s = await envAnswers(env);
      const registry = s.schemaRegistry === undefined ? '' : ` schema-registry=${s.schemaRegistry ? 'up' : 'DOWN'}`;
      console.log(`kafka=${s.kafka ? 'up' : 'DOWN'} mariadb=${s.mysql ? 'up' : 'DOWN'} postgres=${s.pg ? 'up' : 'DOWN'}${registry}`);
      return s.all ? 0 : 1;
    }
    default:
      return usage();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const errors = err instanceof AggregateError ? err.errors : [err];
    for (const e of errors) console.error(`\n[services] FAILED: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
