/**
 * The test bed's Kafka: one KRaft node (broker and controller) run from the jars, reused while it runs with the
 * current configuration and answers, otherwise (re)started: storage formatted once, SCRAM users set after every
 * start, then warmed up. Stopped by its pid file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_SASL_PASSWORD, KAFKA_SASL_USER, kafkaPaths, NATIVE_ENV, PORTS } from './env.js';
import { bedKafka, kafkaAnswers, withTimeout } from './health.js';
import { kafkaConfigHash, kafkaServerProperties } from './kafka-config.js';
import { ensureKafkaLibs, kafkaVersion, requireJava17, runKafkaTool } from './kafka-tools.js';
import { isAlive, livePid, readTrimmed, requirePortFree, spawnDetached, terminate, waitHealthy, type Log } from './process.js';
import { ensureKafkaTls } from './tls.js';

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

function formatKafkaStorage(java: string, log: Log): void {
  const p = kafkaPaths();
  rmSync(p.data, { recursive: true, force: true });
  // An id starting with '-' reads as an option to kafka-storage (1 in 64): draw again, as Kafka's Uuid.randomUuid does
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
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

export async function kafkaUp(log: Log): Promise<void> {
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

export async function kafkaDown(log: Log): Promise<void> {
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
