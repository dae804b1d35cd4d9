/**
 * Native (no Docker) test bed: a single-node KRaft Kafka from Maven Central jars, a MariaDB with a
 * ROW binlog and a PostgreSQL with wal_level=logical, each on its own non-default port, with all
 * state under `<repo>/.services/`. Used by `scripts/services.ts` (npm run services:up|down) and by
 * `test/harness/services.ts` (provider 'native'); this file is the only copy of the logic.
 *
 *   Kafka       127.0.0.1:19092 PLAINTEXT (also inter-broker), controller 19093 .services/kafka/{libs,data,kafka.log,kafka.pid}
 *               127.0.0.1:19094 SASL_SSL: PLAIN, SCRAM-SHA-256/512 (user tscdc), OAUTHBEARER (unsecured JWTs)
 *               127.0.0.1:19095 SSL with a required client certificate (mutual TLS)   .services/kafka/tls/*.pem, client.p12
 *   MariaDB     127.0.0.1:13306, user root, no pwd    .services/mariadb/{data,my.cnf,mariadb.log,mariadb.pid}
 *   PostgreSQL  127.0.0.1:15432, user postgres, trust .services/pg/{data,run,postgres.log}
 *
 * TSCDC_SERVICES_PORT_OFFSET=<n> adds n to every port (a second checkout's test bed beside another one).
 * `.services/env` (shell-sourceable) holds KAFKA_BROKERS, MYSQL_URL and PG_URL once all three answer, and
 * the secured listeners with their files (KAFKA_SECURITY_KEYS: KAFKA_SASL_SSL_BROKERS, KAFKA_SSL_BROKERS,
 * KAFKA_TLS_CA, KAFKA_TLS_OTHER_CA, KAFKA_TLS_CLIENT_CERT/KEY/P12/P12_PASSWORD, KAFKA_SASL_USER/PASSWORD).
 * The TLS material is made once with openssl; a running Kafka is reused only if it was started with
 * the current configuration (kafka.config-sha256), otherwise restarted.
 * The Kafka version is pinned in scripts/kafka/pom.xml (<kafka.version>).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  envFilePath,
  KAFKA_SASL_PASSWORD,
  KAFKA_SASL_USER,
  NATIVE_ENV,
  parseMysqlUrl,
  parsePgUrl,
  PORTS,
  repoRoot,
  repoTag,
  servicesDir,
  socketPathFor,
  writeEnvFile,
  type KafkaTlsPaths,
  type MysqlParams,
  type PgParams,
  type ServiceEnv,
} from './env.js';
import { bedKafka, kafkaAnswers, mysqlAnswers, pgAnswers, withTimeout } from './health.js';
import { withLock } from './lock.js';
import {
  isAlive,
  isRoot,
  livePid,
  readTrimmed,
  requireBin,
  requirePortFree,
  run,
  ServiceStartError,
  spawnDetached,
  strayProcesses,
  tail,
  terminate,
  waitHealthy,
  which,
  type Log,
} from './process.js';
import { ensureKafkaTls } from './tls.js';

export {
  envFilePath,
  KAFKA_SECURITY_KEYS,
  kafkaSecurityEnv,
  NATIVE_ENV,
  parseMysqlUrl,
  parsePgUrl,
  PORTS,
  readEnvFile,
  repoRoot,
  servicesDir,
  type KafkaSecurityEnv,
  type MysqlParams,
  type PgParams,
  type ServiceEnv,
} from './env.js';
export { envAnswers, kafkaAnswers, mysqlAnswers, pgAnswers } from './health.js';
export { ServiceStartError, type ServiceName } from './process.js';

export interface NativeOptions {
  /** progress messages; default: console.error with a prefix */
  log?: (msg: string) => void;
}

const defaultLog: Log = (msg) => console.error(`[services] ${msg}`);

// ---------------------------------------------------------------------------------------------
// Kafka

function kafkaPaths() {
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

/**
 * Runs one of Kafka's own Java tools (e.g. `org.apache.kafka.tools.ConsoleProducer`) from the test bed's jars,
 * so a test can compare with the real Java client. Null where the jars are not there (another provider).
 */
export function kafkaToolOutput(mainClass: string, args: string[], input?: string): { status: number | null; out: string } | null {
  const p = kafkaPaths();
  if (!existsSync(join(p.libs, 'VERSION'))) return null;
  const r = spawnSync('java', [`-Dlog4j2.configurationFile=${p.log4j}`, '-cp', `${p.libs}/*`, mainClass, ...args], { input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The Kafka version pinned in scripts/kafka/pom.xml. */
export function kafkaVersion(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(kafkaPaths().pom, 'utf8'));
  if (!m) throw new Error('scripts/kafka/pom.xml has no <kafka.version>');
  return m[1]!.trim();
}

function javaMajor(java: string): number | undefined {
  const r = run(java, ['-version']);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.out);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * libs/VERSION holds the Kafka version and the POM's hash: any POM change (e.g. an added jar) fetches the
 * libs again, but only a new version wipes the data dir.
 */
function ensureKafkaLibs(version: string, log: Log): void {
  const p = kafkaPaths();
  const marker = join(p.libs, 'VERSION');
  const wanted = `${version} ${createHash('sha256').update(readFileSync(p.pom)).digest('hex')}`;
  const present = readTrimmed(marker);
  if (present === wanted) return;
  const mvn = requireBin('kafka', 'mvn', 'maven');
  log(`kafka: downloading Kafka ${version} jars from Maven Central into ${p.libs} (once) ...`);
  const tmp = `${p.libs}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const r = run(mvn, ['-B', '-q', '-f', p.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], { cwd: repoRoot() });
  if (r.status !== 0 || !existsSync(join(tmp, `kafka_2.13-${version}.jar`))) {
    throw new ServiceStartError('kafka', `\`mvn dependency:copy-dependencies\` failed (exit ${r.status}):\n${r.out.trim().split('\n').slice(-40).join('\n')}`);
  }
  writeFileSync(join(tmp, 'VERSION'), `${wanted}\n`);
  rmSync(p.libs, { recursive: true, force: true });
  renameSync(tmp, p.libs);
  // Formatted log dirs are not guaranteed to work across versions: start from scratch.
  if (present?.split(' ')[0] !== version) rmSync(p.data, { recursive: true, force: true });
}

function kafkaServerProperties(dataDir: string, tls: KafkaTlsPaths): string {
  const l = (name: string, port: number) => `${name}://127.0.0.1:${port}`;
  const brokerListeners = [l('PLAINTEXT', PORTS.kafka), l('SASL_SSL', PORTS.kafkaSaslSsl), l('SSL', PORTS.kafkaSsl)];
  return [
    '# Generated by test/harness/native.ts on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${PORTS.kafkaController}`,
    `listeners=${[...brokerListeners, l('CONTROLLER', PORTS.kafkaController)].join(',')}`,
    `advertised.listeners=${brokerListeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
    ...saslSslListenerProperties(tls),
    ...sslListenerProperties(tls),
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

/** The broker's PEM keystore (PKCS#8 key, unencrypted, so no ssl.key.password; then the chain). */
function brokerKeystoreProperties(prefix: string, tls: KafkaTlsPaths): string[] {
  return [`${prefix}.ssl.keystore.type=PEM`, `${prefix}.ssl.keystore.location=${tls.brokerKeystore}`];
}

/** SASL_SSL: TLS with the broker's certificate only, then one of four SASL mechanisms. */
function saslSslListenerProperties(tls: KafkaTlsPaths): string[] {
  const l = 'listener.name.sasl_ssl';
  return [
    '# SASL_SSL: server-authenticated TLS, then SASL',
    ...brokerKeystoreProperties(l, tls),
    `${l}.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER`,
    `${l}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${KAFKA_SASL_USER}="${KAFKA_SASL_PASSWORD}";`,
    '# SCRAM credentials are cluster metadata, created by ConfigCommand after the start (native.ts, createScramUsers)',
    `${l}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    `${l}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    '# No server callback handler: Kafka\'s default OAuthBearerUnsecuredValidatorCallbackHandler, not for production. It',
    '# accepts an unsigned JWS "<base64url header>.<base64url claims>." (empty signature) whose header has "alg":"none"',
    '# and whose claims have "sub" (string: the principal) and "exp" (number, seconds, in the future); "iat" is optional',
    '# but must not lie in the future and must be before "exp"; no scope is required; no clock skew is allowed.',
    `${l}.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;`,
  ];
}

/** SSL: mutual TLS, the client must present a certificate signed by ca.pem. */
function sslListenerProperties(tls: KafkaTlsPaths): string[] {
  const l = 'listener.name.ssl';
  return [
    '# SSL: mutual TLS',
    ...brokerKeystoreProperties(l, tls),
    `${l}.ssl.truststore.type=PEM`,
    `${l}.ssl.truststore.location=${tls.ca}`,
    `${l}.ssl.client.auth=required`,
  ];
}

/** What the broker runs with: its properties and the TLS files they name (new files need a restart as well). */
function kafkaConfigHash(props: string, tls: KafkaTlsPaths): string {
  const hash = createHash('sha256').update(props);
  for (const file of [tls.brokerKeystore, tls.ca]) hash.update(readFileSync(file));
  return hash.digest('hex');
}

/**
 * Reuse our running broker if it was set up with this configuration and answers. One with another
 * configuration (e.g. started by an older harness, without the secured listeners) or unhealthy is stopped.
 */
async function reuseKafka(configHash: string, log: Log): Promise<boolean> {
  const p = kafkaPaths();
  const running = livePid(p.pid, p.dir);
  if (running === undefined) return false;
  const brokers = [NATIVE_ENV.KAFKA_BROKERS];
  if (readTrimmed(p.configHash) !== configHash) {
    log(`kafka: pid ${running} runs with another configuration (or was not fully set up); restarting it`);
  } else if (await kafkaAnswers(brokers)) {
    log(`kafka: already running (pid ${running}), reusing`);
    return true;
  } else {
    log(`kafka: pid ${running} is alive but not answering yet; waiting up to 60s`);
    try {
      await waitHealthy('kafka', () => kafkaAnswers(brokers), { timeoutMs: 60_000, pid: () => livePid(p.pid, p.dir), logFile: p.log });
      log(`kafka: running (pid ${running}), reusing`);
      return true;
    } catch {
      log(`kafka: pid ${running} is unhealthy; restarting it`);
    }
  }
  await terminate(running, 'kafka', log);
  return false;
}

function requireJava17(): string {
  const java = requireBin('kafka', 'java', 'openjdk-17-jre-headless');
  const major = javaMajor(java);
  if (major !== undefined && major < 17) {
    throw new ServiceStartError('kafka', `Kafka 4.x needs Java 17+, found Java ${major}. Install: apt-get install -y openjdk-17-jre-headless`);
  }
  return java;
}

/** Run one of Kafka's command-line tools (a main class from the jars) with the test bed's Log4j2 config. */
function runKafkaTool(java: string, mainClass: string, args: string[]): void {
  const p = kafkaPaths();
  const r = run(java, [`-Dlog4j2.configurationFile=${p.log4j}`, '-cp', `${p.libs}/*`, mainClass, ...args]);
  writeFileSync(p.log, `${r.out}\n`, { flag: 'a' });
  if (r.status !== 0) throw new ServiceStartError('kafka', `\`${mainClass} ${args.join(' ')}\` failed (exit ${r.status})`, p.log, tail(p.log));
}

function formatKafkaStorage(java: string, log: Log): void {
  const p = kafkaPaths();
  rmSync(p.data, { recursive: true, force: true });
  const clusterId = randomBytes(16).toString('base64url');
  writeFileSync(p.clusterId, `${clusterId}\n`);
  log(`kafka: formatting KRaft storage (cluster id ${clusterId})`);
  runKafkaTool(java, 'kafka.tools.StorageTool', ['format', '--standalone', '-t', clusterId, '-c', p.props]);
}

/**
 * SCRAM credentials live in the cluster metadata, not in server.properties: ConfigCommand sets them after every
 * start (same user, same password: repeating it changes nothing), which also covers a data dir formatted by an
 * older harness. One run per mechanism: Kafka 4.4 refuses both in one request ("A user credential cannot be
 * altered twice in the same request").
 */
function createScramUsers(java: string): void {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    runKafkaTool(java, 'org.apache.kafka.tools.ConfigCommand', [
      '--bootstrap-server', NATIVE_ENV.KAFKA_BROKERS,
      '--alter', '--add-config', `${mechanism}=[password=${KAFKA_SASL_PASSWORD}]`,
      '--entity-type', 'users', '--entity-name', KAFKA_SASL_USER,
    ]);
  }
}

function spawnKafka(java: string, version: string, log: Log): number {
  const p = kafkaPaths();
  log(`kafka: starting Kafka ${version} on 127.0.0.1:${PORTS.kafka}, SASL_SSL ${PORTS.kafkaSaslSsl}, SSL ${PORTS.kafkaSsl} (log: ${p.log})`);
  writeFileSync(p.log, `\n===== ${new Date().toISOString()} starting kafka.Kafka ${version} =====\n`, { flag: 'a' });
  const pid = spawnDetached(
    java,
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${p.dir}`,
      `-Dlog4j2.configurationFile=${p.log4j}`,
      '-cp',
      `${p.libs}/*`,
      'kafka.Kafka',
      p.props,
    ],
    p.log,
    p.dir,
  );
  writeFileSync(p.pid, `${pid}\n`);
  return pid;
}

async function kafkaUp(log: Log): Promise<void> {
  const p = kafkaPaths();
  const tls = ensureKafkaTls(log);
  const props = kafkaServerProperties(p.data, tls);
  const configHash = kafkaConfigHash(props, tls);
  if (await reuseKafka(configHash, log)) return;
  rmSync(p.pid, { force: true });
  rmSync(p.configHash, { force: true });

  const java = requireJava17();
  mkdirSync(p.dir, { recursive: true });
  const version = kafkaVersion();
  ensureKafkaLibs(version, log);
  for (const port of [PORTS.kafka, PORTS.kafkaController, PORTS.kafkaSaslSsl, PORTS.kafkaSsl]) await requirePortFree('kafka', port);

  writeFileSync(p.props, props);
  if (!existsSync(join(p.data, 'meta.properties'))) formatKafkaStorage(java, log);
  const pid = spawnKafka(java, version, log);
  const brokers = [NATIVE_ENV.KAFKA_BROKERS];
  try {
    await waitHealthy('kafka', () => kafkaAnswers(brokers), { timeoutMs: 180_000, pid: () => livePid(p.pid, p.dir), logFile: p.log, dataDir: p.data });
    createScramUsers(java);
  } catch (e) {
    if (isAlive(pid)) await terminate(pid, 'kafka', log, 20_000);
    rmSync(p.pid, { force: true });
    throw e;
  }
  writeFileSync(p.configHash, `${configHash}\n`);
  await warmUpKafka(brokers);
  log(`kafka: ready (pid ${pid})`);
}

/** Make the broker create __consumer_offsets and an idempotent producer id now rather than in the first test. Best effort. */
async function warmUpKafka(brokers: string[]): Promise<void> {
  const kafka = bedKafka(brokers, 'tscdc-services-warmup', 3000);
  const topic = 'tscdc-warmup';
  const producer = kafka.createProducer();
  try {
    await withTimeout(
      (async () => {
        await kafka.ensureTopic(topic, { partitions: 1, replicationFactor: -1 });
        await producer.send([{ topic, key: Buffer.from('warm'), value: Buffer.from('up') }]);
        const group = await kafka.consumeGroup({ groupId: topic, topic, onRecord: () => undefined });
        await group.stop();
      })(),
      60_000,
      'kafka warm-up',
    );
  } catch {
    /* best effort */
  } finally {
    await producer.disconnect().catch(() => {});
    await kafka.close().catch(() => {});
  }
}

async function kafkaDown(log: Log): Promise<void> {
  const p = kafkaPaths();
  const pid = livePid(p.pid, p.dir);
  if (pid === undefined) {
    log('kafka: not running');
  } else {
    log(`kafka: stopping (pid ${pid})`);
    await terminate(pid, 'kafka', log);
  }
  rmSync(p.pid, { force: true });
}

// ---------------------------------------------------------------------------------------------
// MariaDB

function mariadbPaths() {
  const dir = join(servicesDir(), 'mariadb');
  return {
    dir,
    data: join(dir, 'data'),
    cnf: join(dir, 'my.cnf'),
    log: join(dir, 'mariadb.log'),
    pid: join(dir, 'mariadb.pid'),
    socket: socketPathFor(join(dir, 'mariadb.sock'), 'mariadb.sock'),
  };
}

function mariadbCnf(): string {
  const p = mariadbPaths();
  return [
    '# Generated by test/harness/native.ts on every start; edits are overwritten.',
    '[client]',
    `socket=${p.socket}`,
    `port=${PORTS.mysql}`,
    '',
    '[mysqld]',
    ...(isRoot() ? ['user=root'] : []),
    `datadir=${p.data}`,
    `socket=${p.socket}`,
    `pid-file=${p.pid}`,
    `port=${PORTS.mysql}`,
    'bind-address=127.0.0.1',
    'skip-name-resolve',
    'max_connections=500',
    'character-set-server=utf8mb4',
    'collation-server=utf8mb4_general_ci',
    '# CDC: row-based binlog with full images, GTIDs (always on in MariaDB), column names in TABLE_MAP events',
    `log_bin=${join(p.data, 'mariadb-bin')}`,
    'binlog_format=ROW',
    'binlog_row_image=FULL',
    'binlog_row_metadata=FULL',
    'server_id=1',
    'gtid_strict_mode=ON',
    'binlog_expire_logs_seconds=1209600',
    'max_binlog_size=256M',
    '# test-bed speed',
    'innodb_flush_log_at_trx_commit=2',
    'sync_binlog=0',
    'innodb_buffer_pool_size=128M',
    '',
  ].join('\n');
}

async function mariadbUp(log: Log): Promise<void> {
  const p = mariadbPaths();
  const marker = p.cnf;
  const tcp: MysqlParams = { ...parseMysqlUrl(NATIVE_ENV.MYSQL_URL) };
  const running = livePid(p.pid, marker);
  if (running !== undefined) {
    if (await mysqlAnswers(tcp)) {
      log(`mariadb: already running (pid ${running}), reusing`);
      return;
    }
    log(`mariadb: pid ${running} is alive but not answering; restarting it`);
    await terminate(running, 'mariadb', log);
  }
  rmSync(p.pid, { force: true });

  const mariadbd = requireBin('mariadb', 'mariadbd', 'mariadb-server');
  mkdirSync(p.dir, { recursive: true });
  writeFileSync(p.cnf, mariadbCnf());
  await requirePortFree('mariadb', PORTS.mysql);

  if (!existsSync(join(p.data, 'mysql', 'user.frm')) && !existsSync(join(p.data, 'mysql', 'global_priv.frm'))) {
    const installDb = requireBin('mariadb', 'mariadb-install-db', 'mariadb-server');
    rmSync(p.data, { recursive: true, force: true });
    log(`mariadb: initialising ${p.data}`);
    const r = run(installDb, [
      `--defaults-file=${p.cnf}`,
      `--datadir=${p.data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...(isRoot() ? ['--user=root'] : []),
    ]);
    writeFileSync(p.log, `${r.out}\n`, { flag: 'a' });
    if (r.status !== 0) throw new ServiceStartError('mariadb', `mariadb-install-db failed (exit ${r.status})`, p.log, tail(p.log));
  }

  log(`mariadb: starting on 127.0.0.1:${PORTS.mysql} (log: ${p.log})`);
  writeFileSync(p.log, `\n===== ${new Date().toISOString()} starting mariadbd =====\n`, { flag: 'a' });
  // --defaults-file must be the first option.
  const pid = spawnDetached(mariadbd, [`--defaults-file=${p.cnf}`], p.log, p.dir);
  const alive = () => (isAlive(pid) ? pid : undefined);
  try {
    await waitHealthy('mariadb', () => mysqlAnswers({ socketPath: p.socket, user: 'root' }, 3000), { timeoutMs: 120_000, pid: alive, logFile: p.log, dataDir: p.data });
    // root over TCP from 127.0.0.1 with an empty password (skip-name-resolve: 'localhost' never matches TCP).
    const conn = await mysql.createConnection({ socketPath: p.socket, user: 'root' });
    try {
      await conn.query("CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY ''");
      await conn.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
    } finally {
      await conn.end();
    }
    await waitHealthy('mariadb', () => mysqlAnswers(tcp), { timeoutMs: 30_000, pid: alive, logFile: p.log });
  } catch (e) {
    if (isAlive(pid)) await terminate(pid, 'mariadb', log, 30_000);
    throw e instanceof ServiceStartError ? e : new ServiceStartError('mariadb', String(e), p.log, tail(p.log));
  }
  log(`mariadb: ready (pid ${pid})`);
}

async function mariadbDown(log: Log): Promise<void> {
  const p = mariadbPaths();
  const pid = livePid(p.pid, p.cnf);
  if (pid === undefined) {
    log('mariadb: not running');
  } else {
    log(`mariadb: stopping (pid ${pid})`);
    await terminate(pid, 'mariadb', log);
  }
  rmSync(p.pid, { force: true });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

interface PgBin {
  initdb: string;
  pgCtl: string;
}

function pgBin(): PgBin {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  candidates.push('/usr/lib/postgresql/15/bin');
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    /* not Debian layout */
  }
  const onPath = which('initdb');
  if (onPath) candidates.push(dirname(onPath));
  for (const d of candidates) {
    if (existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))) return { initdb: join(d, 'initdb'), pgCtl: join(d, 'pg_ctl') };
  }
  throw new ServiceStartError('postgres', '`initdb`/`pg_ctl` not found (looked in $PG_BINDIR, /usr/lib/postgresql/*/bin, PATH). Install: apt-get install -y postgresql-15');
}

/** postgres refuses to run as root: when we are root, run its tools as the `postgres` OS user. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const r = run('id', ['-u', 'postgres']);
  const g = run('id', ['-g', 'postgres']);
  if (r.status !== 0 || g.status !== 0) {
    throw new ServiceStartError('postgres', 'running as root but there is no `postgres` OS user (it comes with the postgresql-15 / postgresql-common package)');
  }
  return { uid: Number(r.out.trim()), gid: Number(g.out.trim()) };
}

function asPg(cmd: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [cmd, args];
  const runuser = which('runuser');
  if (runuser) return [runuser, ['-u', 'postgres', '--', cmd, ...args]];
  return [requireBin('postgres', 'su', 'util-linux'), ['-s', '/bin/sh', 'postgres', '-c', [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')]];
}

function runAsPg(cmd: string, args: string[], cwd: string): { status: number | null; out: string } {
  const [c, a] = asPg(cmd, args);
  return run(c, a, { cwd });
}

/**
 * Where the cluster lives: `.services/pg`, unless the postgres OS user cannot reach it (e.g. the repo
 * is under /root, mode 700); then `/var/tmp/tscdc-<hash>-pg`. Deterministic, so `down` finds it too.
 */
function pgBaseDir(create: boolean): string {
  const inRepo = join(servicesDir(), 'pg');
  const outside = join('/var/tmp', `tscdc-${repoTag()}-pg`);
  const owner = pgUser();
  if (!owner) {
    if (create) mkdirSync(inRepo, { recursive: true });
    return inRepo;
  }
  const reachable = (dir: string) => run(...asPg('test', ['-w', dir, '-a', '-x', dir])).status === 0;
  if (existsSync(join(inRepo, 'data'))) return inRepo;
  if (existsSync(join(outside, 'data'))) return outside;
  if (!create) return inRepo;
  for (const dir of [inRepo, outside]) {
    mkdirSync(dir, { recursive: true });
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o750);
    if (reachable(dir)) return dir;
  }
  throw new ServiceStartError('postgres', `the postgres OS user cannot write to ${inRepo} nor ${outside} (check that every parent directory is traversable, e.g. chmod o+x)`);
}

function pgPaths(create: boolean) {
  const base = pgBaseDir(create);
  return {
    base,
    data: join(base, 'data'),
    run: socketPathFor(join(base, 'run'), 'pg-run'),
    log: join(base, 'postgres.log'),
  };
}

function pgConf(runDir: string): string {
  return [
    '# Generated by test/harness/native.ts on every start; edits are overwritten.',
    `port = ${PORTS.pg}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${runDir}'`,
    'max_connections = 200',
    'wal_level = logical',
    'max_replication_slots = 20',
    'max_wal_senders = 20',
    'wal_sender_timeout = 60s',
    '# test-bed speed (no durability needed)',
    'fsync = off',
    'full_page_writes = off',
    "timezone = 'UTC'",
    '',
  ].join('\n');
}

const PG_HBA = [
  '# Generated by test/harness/native.ts on every start; edits are overwritten.',
  '# TYPE  DATABASE     USER  ADDRESS        METHOD',
  'local   all          all                  trust',
  'local   replication  all                  trust',
  'host    all          all   127.0.0.1/32   trust',
  'host    replication  all   127.0.0.1/32   trust',
  'host    all          all   ::1/128        trust',
  'host    replication  all   ::1/128        trust',
  '',
].join('\n');

function pgPostmasterPid(dataDir: string): number | undefined {
  return livePid(join(dataDir, 'postmaster.pid'), dataDir);
}

function writeAsPg(file: string, body: string, owner: { uid: number; gid: number } | undefined): void {
  writeFileSync(file, body);
  if (owner) chownSync(file, owner.uid, owner.gid);
}

async function postgresUp(log: Log): Promise<void> {
  const bin = pgBin();
  const owner = pgUser();
  const p = pgPaths(true);
  const params = parsePgUrl(NATIVE_ENV.PG_URL);
  const running = pgPostmasterPid(p.data);
  if (running !== undefined) {
    if (await pgAnswers(params)) {
      log(`postgres: already running (pid ${running}), reusing`);
      return;
    }
    log(`postgres: pid ${running} is alive but not answering; restarting it`);
    runAsPg(bin.pgCtl, ['-D', p.data, '-m', 'fast', '-w', '-t', '60', 'stop'], p.base);
    if (isAlive(running)) await terminate(running, 'postgres', log);
  }
  await requirePortFree('postgres', PORTS.pg);

  if (!existsSync(join(p.data, 'PG_VERSION'))) {
    rmSync(p.data, { recursive: true, force: true });
    log(`postgres: initdb ${p.data}`);
    const r = runAsPg(bin.initdb, ['-D', p.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale'], p.base);
    writeAsPg(p.log, `${r.out}\n`, owner);
    if (r.status !== 0) throw new ServiceStartError('postgres', `initdb failed (exit ${r.status})`, p.log, tail(p.log));
  }
  mkdirSync(p.run, { recursive: true });
  if (owner) chownSync(p.run, owner.uid, owner.gid);
  writeAsPg(join(p.data, 'tscdc.conf'), pgConf(p.run), owner);
  writeAsPg(join(p.data, 'pg_hba.conf'), PG_HBA, owner);
  const confFile = join(p.data, 'postgresql.conf');
  const conf = readFileSync(confFile, 'utf8');
  if (!conf.includes("include_if_exists = 'tscdc.conf'")) {
    writeAsPg(confFile, `${conf}\n# test bed settings (test/harness/native.ts)\ninclude_if_exists = 'tscdc.conf'\n`, owner);
  }

  log(`postgres: starting on 127.0.0.1:${PORTS.pg} (log: ${p.log})`);
  if (!existsSync(p.log)) writeAsPg(p.log, '', owner);
  // pg_ctl forks the postmaster (in its own session) and waits (-w) until it accepts connections.
  const r = runAsPg(bin.pgCtl, ['-D', p.data, '-l', p.log, '-w', '-t', '90', 'start'], p.base);
  if (r.status !== 0) {
    throw new ServiceStartError(
      'postgres',
      `pg_ctl start failed (exit ${r.status}): ${r.out.trim()} (if its data is damaged, remove ${p.data} for a fresh start)`,
      p.log,
      tail(p.log),
    );
  }
  await waitHealthy('postgres', () => pgAnswers(params), { timeoutMs: 30_000, pid: () => pgPostmasterPid(p.data), logFile: p.log });
  log(`postgres: ready (pid ${pgPostmasterPid(p.data) ?? '?'})`);
}

async function postgresDown(log: Log): Promise<void> {
  const p = pgPaths(false);
  const pid = pgPostmasterPid(p.data);
  if (pid === undefined) {
    log('postgres: not running');
    return;
  }
  log(`postgres: stopping (pid ${pid})`);
  const bin = pgBin();
  const r = runAsPg(bin.pgCtl, ['-D', p.data, '-m', 'fast', '-w', '-t', '60', 'stop'], p.base);
  if (r.status !== 0 && isAlive(pid)) {
    log(`postgres: pg_ctl stop failed (${r.out.trim()}); sending SIGTERM/SIGKILL`);
    await terminate(pid, 'postgres', log, 30_000);
  }
}

// ---------------------------------------------------------------------------------------------
// public entry points

/**
 * Start (or reuse) all three services, wait until they answer, write `.services/env`.
 * Throws ServiceStartError (or an AggregateError of them) with log tails on failure.
 */
export async function servicesUp(opts: NativeOptions = {}): Promise<ServiceEnv> {
  const log = opts.log ?? defaultLog;
  return withLock(log, async () => {
    const results = await Promise.allSettled([kafkaUp(log), mariadbUp(log), postgresUp(log)]);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
    writeEnvFile(NATIVE_ENV);
    return { ...NATIVE_ENV };
  });
}

/** Stop all three services started by servicesUp (no-op for those not running) and remove `.services/env`. */
export async function servicesDown(opts: NativeOptions = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  return withLock(log, async () => {
    rmSync(envFilePath(), { force: true });
    const results = await Promise.allSettled([kafkaDown(log), mariadbDown(log), postgresDown(log)]);
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
